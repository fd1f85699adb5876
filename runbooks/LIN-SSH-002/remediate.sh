# Debian/Ubuntu: the bounds themselves in a drop-in that sorts first in
# /etc/ssh/sshd_config.d/ (sshd keeps the first value it reads), checked
# with `sshd -T` before sshd is reloaded.
set -eu
PATH=$PATH:/usr/sbin:/sbin
# sshd's effective configuration as sshd itself reads it (`sshd -T`). sshd
# refuses to run without its privilege separation directory, which systemd
# removes while the service is stopped: then evaluate it in a private mount
# namespace with a throwaway /run, which changes nothing on the host.
sshd_effective() {
  out=$(sshd -T 2>&1) && { printf '%s\n' "$out"; return 0; }
  case $out in
    *'Missing privilege separation directory: /run/'*)
      dir=${out##*directory: }
      dir=${dir%%[!A-Za-z0-9/._-]*}
      unshare --mount sh -c 'mount -t tmpfs -o mode=0755 comply /run && mkdir -p "$1" && exec sshd -T' sh "$dir" ;;
    *) printf '%s\n' "$out" >&2; return 1 ;;
  esac
}
max_interval=${COMPLY_INPUT_SSH_CLIENT_ALIVE_INTERVAL_MAX_S:-}
max_count=${COMPLY_INPUT_SSH_CLIENT_ALIVE_COUNT_MAX:-}
case "$max_interval:$max_count" in
  *[!0-9:]* | :* | *: | *:0 | 0:*)
    echo "inputs ssh_client_alive_interval_max_s and ssh_client_alive_count_max must be whole numbers of at least 1, got '$max_interval' and '$max_count'" >&2
    exit 2 ;;
esac
dropin=/etc/ssh/sshd_config.d/00-comply-LIN-SSH-002.conf
if ! grep -Eiq '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config; then
  echo "/etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d/*.conf (Debian's default, at its top): add that first" >&2
  exit 1
fi
mkdir -p /etc/ssh/sshd_config.d
cat > "$dropin" <<CONF
# Written by comply LIN-SSH-002 (45 CFR 164.312(a)(2)(iii)).
ClientAliveInterval $max_interval
ClientAliveCountMax $max_count
CONF
if ! config=$(sshd_effective); then
  rm -f "$dropin"
  echo "sshd rejected the configuration with $dropin, which was removed again" >&2
  exit 1
fi
# The value sshd uses for a keyword (sshd -T prints keywords in lower case).
setting() { printf '%s\n' "$config" | awk -v k="$1" '$1 == k { print $2; exit }'; }
interval=$(setting clientaliveinterval)
count=$(setting clientalivecountmax)
case "$interval:$count" in
  *[!0-9:]* | :* | *:) echo "sshd -T reported ClientAliveInterval '$interval' and ClientAliveCountMax '$count'"; exit 2 ;;
esac
status=0
if [ "$interval" -eq 0 ]; then
  echo "ClientAliveInterval 0: sshd never checks on idle clients, so an abandoned session stays open"
  status=1
elif [ "$interval" -gt "$max_interval" ]; then
  echo "ClientAliveInterval $interval: more than the allowed $max_interval seconds between checks of an idle client"
  status=1
fi
if [ "$count" -eq 0 ]; then
  echo "ClientAliveCountMax 0: sshd never disconnects an unresponsive client"
  status=1
elif [ "$count" -gt "$max_count" ]; then
  echo "ClientAliveCountMax $count: more than the allowed $max_count unanswered checks before disconnecting"
  status=1
fi
[ "$status" = 0 ] && echo "ClientAliveInterval $interval, ClientAliveCountMax $count: an unresponsive session is closed within $((interval * count)) seconds (allowed: $max_interval x $max_count)"
if [ "$status" != 0 ]; then
  echo "an earlier line in the SSH server's configuration wins over $dropin:" >&2
  grep -Rin -E '^[[:space:]]*(ClientAliveInterval|ClientAliveCountMax)[[:space:]]' /etc/ssh/sshd_config /etc/ssh/sshd_config.d >&2 || true
  exit 1
fi
if [ -d /run/systemd/system ]; then
  systemctl try-reload-or-restart sshd
fi
