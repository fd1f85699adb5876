# Compliant when /etc/login.defs gives new accounts a PASS_MAX_DAYS of at
# most password_max_days (the shadow tools read the file top to bottom, the
# last definition winning), and no existing account with a usable password
# has a longer (or no) maximum age in /etc/shadow: login.defs only applies
# to accounts created after it changed.
max=${COMPLY_INPUT_PASSWORD_MAX_DAYS:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input password_max_days must be a whole number of days of at least 1, got '$max'" >&2; exit 2 ;;
esac
[ -r /etc/login.defs ] || { echo "/etc/login.defs is not readable"; exit 2; }
[ -r /etc/shadow ] || { echo "/etc/shadow is not readable: the probe must run as root"; exit 2; }
status=0
value=$(awk '$1 == "PASS_MAX_DAYS" { v = $2 } END { print v }' /etc/login.defs)
case "$value" in
  '') echo "PASS_MAX_DAYS is not set in /etc/login.defs: new accounts' passwords never expire"; status=1 ;;
  *[!0-9]*) echo "PASS_MAX_DAYS $value in /etc/login.defs: new accounts' passwords never expire"; status=1 ;;
  *) if [ "$value" -gt "$max" ] || [ "$value" -eq 0 ]; then
       echo "PASS_MAX_DAYS $value in /etc/login.defs: more than the allowed $max days"
       status=1
     fi ;;
esac
# Accounts with a usable password (not empty, not locked with ! or *).
# Those whose last change is older than the limit would expire at once
# when it is applied: the message says so (the remediation refuses for root).
accounts=$(awk -F: -v max="$max" -v now="$(($(date +%s) / 86400))" '
  $2 != "" && $2 !~ /^[!*]/ && ($5 == "" || $5 < 0 || $5 + 0 > max + 0) {
    at_once = ($3 != "" && $3 + 0 > 0 && $3 + max < now) ? "; last changed " now - $3 " days ago: a limit expires it at once" : ""
    print $1 " (" ($5 == "" || $5 < 0 ? "never expires" : "expires after " $5 " days") at_once ")"
  }' /etc/shadow) || { echo "could not read /etc/shadow"; exit 2; }
if [ -n "$accounts" ]; then
  echo "accounts whose password may be kept longer than $max days: $(printf '%s\n' "$accounts" | paste -sd',' - | sed 's/,/, /g')"
  status=1
fi
[ "$status" = 0 ] && echo "PASS_MAX_DAYS $value (allowed: $max), and every account with a password expires within $max days"
exit "$status"
