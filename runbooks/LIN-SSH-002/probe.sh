# Compliant when the SSH server's effective configuration (`sshd -T`) checks
# idle clients at least every ssh_client_alive_interval_max_s seconds and
# disconnects after at most ssh_client_alive_count_max unanswered checks.
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
command -v sshd >/dev/null 2>&1 || { echo "the OpenSSH server (sshd) is not installed: this host accepts no SSH logins"; exit 77; }
[ -e /etc/ssh/sshd_config ] || { echo "sshd is installed but /etc/ssh/sshd_config does not exist: the SSH server cannot start"; exit 77; }
max_interval=${COMPLY_INPUT_SSH_CLIENT_ALIVE_INTERVAL_MAX_S:-}
max_count=${COMPLY_INPUT_SSH_CLIENT_ALIVE_COUNT_MAX:-}
case "$max_interval:$max_count" in
  *[!0-9:]* | :* | *: | *:0 | 0:*)
    echo "inputs ssh_client_alive_interval_max_s and ssh_client_alive_count_max must be whole numbers of at least 1, got '$max_interval' and '$max_count'" >&2
    exit 2 ;;
esac
if ! config=$(sshd_effective); then
  echo "sshd -T could not evaluate the SSH server's configuration (its error is on stderr)"
  exit 2
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
exit "$status"
