# lib/sshd-client-alive.sh — the check of LIN-SSH-002 (ClientAliveInterval
# and ClientAliveCountMax within the bounds), shared by its probe and
# remediations: the hooks lib/sshd.sh and lib/sshd-remediate.sh call.
# Defines functions only; the runbook script sets $keywords, $spec_users and
# its inputs before calling them.
inputs_ok() {
  case "$max_interval:$max_count" in
    *[!0-9:]* | :* | *: | *:0 | 0:*)
      echo "inputs ssh_client_alive_interval_max_s and ssh_client_alive_count_max must be whole numbers of at least 1, got '$max_interval' and '$max_count'" >&2
      return 1 ;;
  esac
}
# Whether VALUE (as written in a configuration file) for KEYWORD is compliant;
# ClientAliveInterval is a time (sshd's 90, 5m, 1h30m…).
value_ok() {
  case $1 in
    clientaliveinterval) n=$(printf '%s\n' "$2" | awk '{
        t = $0; s = 0
        while (match(t, /^[0-9]+[sSmMhHdDwW]?/)) {
          part = substr(t, 1, RLENGTH); unit = tolower(substr(part, RLENGTH))
          m = unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : unit == "w" ? 604800 : 1
          s += (part + 0) * m; t = substr(t, RLENGTH + 1)
        }
        print (t == "" && $0 != "") ? s : "x" }')
      max=$max_interval ;;
    *) n=$2; max=$max_count ;;
  esac
  case $n in '' | *[!0-9]*) return 1 ;; esac
  [ "$n" -ge 1 ] && [ "$n" -le "$max" ]
}
# The runbook's test of one effective configuration ($config).
check_config() {
  interval=$(setting clientaliveinterval)
  count=$(setting clientalivecountmax)
  case "$interval:$count" in
    *[!0-9:]* | :* | *:) echo "sshd -T reported ClientAliveInterval '$interval' and ClientAliveCountMax '$count'"; return 2 ;;
  esac
  found='' sep='; '
  if [ "$interval" -eq 0 ]; then
    found="ClientAliveInterval 0: sshd never checks on idle clients, so an abandoned session stays open"
  elif [ "$interval" -gt "$max_interval" ]; then
    found="ClientAliveInterval $interval: more than the allowed $max_interval seconds between checks of an idle client"
  fi
  if [ "$count" -eq 0 ]; then
    found="$found${found:+$sep}ClientAliveCountMax 0: sshd never disconnects an unresponsive client"
  elif [ "$count" -gt "$max_count" ]; then
    found="$found${found:+$sep}ClientAliveCountMax $count: more than the allowed $max_count unanswered checks before disconnecting"
  fi
  if [ -n "$found" ]; then
    echo "$found"
    return 1
  fi
  echo "ClientAliveInterval $interval, ClientAliveCountMax $count: an unresponsive session is closed within $((interval * count)) seconds (allowed: $max_interval x $max_count)"
}
