# Raise journald's retention to log_retention_days, never lower any of it:
#  - Storage=persistent when the journal is not kept on disk;
#  - MaxRetentionSec=<days>day only when a shorter one is set (unset means
#    no time limit: adding one would delete older entries);
#  - SystemMaxUse raised to what the journal's measured growth needs for
#    the days (plus a tenth), when its size limit is what cuts retention
#    short (see the probe), if the file system has that room beyond
#    SystemKeepFree; otherwise nothing is changed and the remediation fails
#    saying why (a person enlarges or moves the journal, or forwards logs).
# Settings go into one drop-in that sorts last, never into journald.conf:
# on NixOS that file is a link into the read-only store; drop-ins survive
# on every platform. Settings an earlier run wrote there are kept.
set -eu
days=${COMPLY_INPUT_LOG_RETENTION_DAYS:-}
case "$days" in
  '' | *[!0-9]* | 0) echo "input log_retention_days must be a whole number of days of at least 1, got '$days'" >&2; exit 2 ;;
esac
journal_facts
dropin=/etc/systemd/journald.conf.d/99-comply-log-retention.conf
current() { sed -n "s/^$1=//p" "$dropin" 2>/dev/null | tail -n 1; }
set_storage=$(current Storage) set_retention=$(current MaxRetentionSec) set_maxuse=$(current SystemMaxUse)
case "${storage:-auto}" in
  persistent) ;;
  auto) [ -d /var/log/journal ] || set_storage=persistent ;;
  *) set_storage=persistent ;;
esac
if [ "$retention_s" -gt 0 ] && [ "$retention_s" -lt $((days * 86400)) ]; then
  set_retention=${days}day
fi
case $verdict in
  full | short)
    [ "$age" -gt 0 ] || age=1
    # bytes for the days at the measured rate, plus a tenth, in whole MiB
    need=$(awk -v u="$usage" -v a="$age" -v d="$days" 'BEGIN { printf "%.0f\n", u / a * d * 86400 * 1.1 / 1048576 + 1 }')
    if [ "$need" -gt $((room / 1048576)) ]; then
      echo "refused, nothing changed: $evidence. Keeping $days days at that rate needs about $(human $((need * 1048576))) of journal, but the file system holding /var/log/journal leaves it at most $(human "$room") ($(human "$fs_avail") free, SystemKeepFree $(human "$keepfree")). A person decides: enlarge or move /var/log/journal, forward the logs to a collector that keeps them, or log less." >&2
      exit 1
    fi
    set_maxuse=${need}M ;;
esac
content=$(
  echo "# Written by comply LIN-LOG-001 (45 CFR 164.312(b)): keep the journal on"
  echo "# disk for $days days. It only ever raises retention."
  echo "[Journal]"
  [ -z "$set_storage" ] || echo "Storage=$set_storage"
  [ -z "$set_retention" ] || echo "MaxRetentionSec=$set_retention"
  [ -z "$set_maxuse" ] || echo "SystemMaxUse=$set_maxuse"
)
if [ -z "$set_storage$set_retention$set_maxuse" ]; then
  echo "nothing to raise: $evidence"
  exit 0
fi
if [ -f "$dropin" ] && [ "$(cat "$dropin")" = "$content" ]; then
  echo "$dropin already says so"
  exit 0
fi
mkdir -p /etc/systemd/journald.conf.d
printf '%s\n' "$content" > "$dropin"
echo "$dropin:"
sed -n '/^\[Journal\]/,$p' "$dropin"
[ "$set_storage" != persistent ] || mkdir -p /var/log/journal
systemctl restart systemd-journald
journalctl --flush
