# A drop-in, never an edit of /etc/systemd/journald.conf: on NixOS that file
# is a link into the read-only store and an in-place edit is undone at the
# next activation; drop-ins survive on every platform.
set -eu
days=${COMPLY_INPUT_LOG_RETENTION_DAYS:-}
case "$days" in
  '' | *[!0-9]*) echo "input log_retention_days must be a whole number of days, got '$days'" >&2; exit 2 ;;
esac
mkdir -p /etc/systemd/journald.conf.d /var/log/journal
cat > /etc/systemd/journald.conf.d/99-comply-log-retention.conf <<CONF
# Written by comply LIN-LOG-001 (45 CFR 164.312(b)): keep the journal on
# disk for $days days.
[Journal]
Storage=persistent
MaxRetentionSec=${days}day
CONF
systemctl restart systemd-journald
journalctl --flush
