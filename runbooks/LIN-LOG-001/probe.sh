# Compliant when journald's effective configuration (journald.conf and its
# drop-ins, the last assignment winning) stores the journal on disk and does
# not delete entries younger than log_retention_days.
[ -d /run/systemd/system ] || { echo "systemd is not running on this host"; exit 77; }
days=${COMPLY_INPUT_LOG_RETENTION_DAYS:-}
case "$days" in
  '' | *[!0-9]*) echo "input log_retention_days must be a whole number of days, got '$days'" >&2; exit 2 ;;
esac
config=$(systemd-analyze cat-config systemd/journald.conf 2>/dev/null) \
  || config=$(cat /etc/systemd/journald.conf /etc/systemd/journald.conf.d/*.conf 2>/dev/null)
last() { printf '%s\n' "$config" | sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" | tail -n 1; }
storage=$(last Storage)
retention=$(last MaxRetentionSec)
status=0
case "${storage:-auto}" in
  persistent) ;;
  auto) [ -d /var/log/journal ] || { echo "Storage=auto but /var/log/journal does not exist: the journal is kept in memory only"; status=1; } ;;
  *) echo "Storage=$storage: the journal is not kept on disk"; status=1 ;;
esac
# systemd time spans: a number with an optional unit, e.g. 90day, 3month, 1y.
seconds=$(printf '%s\n' "${retention:-0}" | awk '
  { total = 0; s = $0; gsub(/[[:space:]]/, "", s)
    while (match(s, /^[0-9]+[a-zA-Z]*/)) {
      token = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
      n = token + 0; unit = token; sub(/^[0-9]+/, "", unit)
      if (unit == "" || unit ~ /^s(ec|econds?)?$/) f = 1
      else if (unit ~ /^(m|min|minutes?)$/) f = 60
      else if (unit ~ /^(h|hr|hours?)$/) f = 3600
      else if (unit ~ /^(d|days?)$/) f = 86400
      else if (unit ~ /^(w|weeks?)$/) f = 604800
      else if (unit ~ /^(M|months?)$/) f = 2629800
      else if (unit ~ /^(y|years?)$/) f = 31557600
      else { print "?"; exit }
      total += n * f }
    if (s != "") print "?"; else print total }')
case "$seconds" in
  '?') echo "MaxRetentionSec=$retention is not a time span this probe understands" >&2; exit 2 ;;
  0) ;;
  *) if [ "$seconds" -lt $((days * 86400)) ]; then
       echo "MaxRetentionSec=$retention deletes entries before $days days"
       status=1
     fi ;;
esac
[ "$status" = 0 ] && echo "journal on disk (Storage=${storage:-auto}), MaxRetentionSec=${retention:-unset}: at least $days days"
exit "$status"
