# A TCP connection to each host in reachability_hosts (host or host:port).
# Unreachable hosts need a person: this runbook has no remediation (L3).
hosts=${COMPLY_INPUT_REACHABILITY_HOSTS:-}
if [ -z "$hosts" ]; then
  echo "no reachability_hosts configured: set the suite input to the hosts this system must reach"
  exit 77
fi
wait_s=${COMPLY_INPUT_REACHABILITY_TIMEOUT_S:-5}
command -v bash >/dev/null 2>&1 || { echo "bash is needed for its /dev/tcp connections" >&2; exit 2; }
status=0
for entry in $hosts; do
  host=${entry%:*}
  port=${entry##*:}
  [ "$host" = "$entry" ] && port=443
  if timeout "$wait_s" bash -c 'exec 3<>"/dev/tcp/$1/$2"' comply "$host" "$port" 2>/dev/null; then
    echo "reachable: $host:$port"
  else
    echo "UNREACHABLE: $host:$port (no TCP connection within ${wait_s}s)"
    status=1
  fi
done
exit "$status"
