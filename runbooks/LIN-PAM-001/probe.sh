# Compliant when, for every PAM service in login_pam_services that exists,
# the effective auth stack (includes expanded) runs `pam_faillock.so
# preauth` before pam_unix and `pam_faillock.so authfail` after it, the
# account stack runs pam_faillock.so, and each of those faillock lines locks
# after 1..faillock_deny failures for 0 (until an administrator unlocks) or
# at least faillock_unlock_time_s seconds. Values come from the module's
# arguments, else /etc/security/faillock.conf, else pam_faillock's defaults
# (deny 3, unlock_time 600), as pam_faillock reads them.
deny_max=${COMPLY_INPUT_FAILLOCK_DENY:-}
unlock_min=${COMPLY_INPUT_FAILLOCK_UNLOCK_TIME_S:-}
services=${COMPLY_INPUT_LOGIN_PAM_SERVICES:-}
case "$deny_max:$unlock_min" in
  *[!0-9:]* | :* | *: | 0:*) echo "inputs faillock_deny (at least 1) and faillock_unlock_time_s must be whole numbers, got '$deny_max' and '$unlock_min'" >&2; exit 2 ;;
esac
[ -n "$services" ] || { echo "input login_pam_services is empty" >&2; exit 2; }
[ -d /etc/pam.d ] || { echo "/etc/pam.d does not exist: this host does not use PAM"; exit 77; }
# stack SERVICE TYPE: the TYPE lines of the service's effective PAM stack,
# as "CONTROL<TAB>MODULE ARGS", with Debian's `@include FILE` and the
# `TYPE include|substack FILE` directives expanded in place.
stack() {
  awk -v type="$2" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function expand(file, depth,    line, t, rest, ctl, w) {
      if (depth > 10) return
      while ((getline line < file) > 0) {
        sub(/#.*/, "", line); line = trim(line)
        if (line == "") continue
        if (line ~ /^@include[ \t]/) { expand("/etc/pam.d/" trim(substr(line, 9)), depth + 1); continue }
        t = line; sub(/[ \t].*/, "", t); sub(/^-/, "", t)
        if (t != type) continue
        rest = trim(substr(line, index(line, t) + length(t)))
        if (rest ~ /^\[/) { ctl = substr(rest, 1, index(rest, "]")); rest = trim(substr(rest, index(rest, "]") + 1)) }
        else { ctl = rest; sub(/[ \t].*/, "", ctl); rest = trim(substr(rest, length(ctl) + 1)) }
        if (ctl == "include" || ctl == "substack") { split(rest, w, /[ \t]+/); expand("/etc/pam.d/" w[1], depth + 1); continue }
        gsub(/[ \t]+/, " ", rest)
        print ctl "\t" rest
      }
      close(file)
    }
    BEGIN { expand("/etc/pam.d/" ARGV[1], 0); exit }' "$1"
}
# faillock.conf's value for KEY (the last one), else DEFAULT.
conf_value() {
  v=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" /etc/security/faillock.conf 2>/dev/null | tail -n 1)
  echo "${v:-$2}"
}
conf_deny=$(conf_value deny 3)
conf_unlock=$(conf_value unlock_time 600)
# One line per finding ("BAD ..."), per checked service ("CHECKED ...") and
# per effective faillock setting ("USES deny unlock").
report=$(
for service in $services; do
  [ -e "/etc/pam.d/$service" ] || continue
  echo "CHECKED $service"
  auth=$(stack "$service" auth)
  account=$(stack "$service" account)
  order=$(printf '%s\n' "$auth" | awk -F '\t' '
    $2 ~ /^pam_faillock\.so/ && $2 ~ / preauth( |$)/ && !pre { pre = NR }
    $2 ~ /^pam_unix\.so/ && !unix { unix = NR }
    $2 ~ /^pam_faillock\.so/ && $2 ~ / authfail( |$)/ && unix && !fail { fail = NR }
    END { print (pre && unix && pre < unix ? "pre" : "") (fail ? " fail" : "") }')
  if [ "$order" != "pre fail" ]; then
    echo "BAD $service: its auth stack does not run pam_faillock.so preauth before pam_unix and authfail after it: failed log-ins are not counted"
    continue
  fi
  if ! printf '%s\n' "$account" | grep -q '	pam_faillock\.so'; then
    echo "BAD $service: its account stack does not run pam_faillock.so: a locked account is not refused"
  fi
  for args in $(printf '%s\n' "$auth" | awk -F '\t' '$2 ~ /^pam_faillock\.so/ { a = $2; sub(/^[^ ]*/, "", a); gsub(/ /, ",", a); print "x" a }'); do
    deny=$conf_deny
    unlock=$conf_unlock
    for arg in $(printf '%s\n' "$args" | tr ',' ' '); do
      case $arg in
        deny=*) deny=${arg#deny=} ;;
        unlock_time=*) unlock=${arg#unlock_time=} ;;
      esac
    done
    [ "$unlock" = never ] && unlock=0
    echo "USES $deny $unlock"
    case "$deny" in
      '' | *[!0-9]* | 0) echo "BAD $service: pam_faillock deny=$deny never locks an account" ;;
      *) [ "$deny" -le "$deny_max" ] || echo "BAD $service: pam_faillock locks only after $deny failures (allowed: $deny_max)" ;;
    esac
    case "$unlock" in
      0) ;;
      '' | *[!0-9]*) echo "BAD $service: pam_faillock unlock_time=$unlock is not a number of seconds" ;;
      *) [ "$unlock" -ge "$unlock_min" ] || echo "BAD $service: a locked account unlocks itself after $unlock seconds (at least $unlock_min, or 0, required)" ;;
    esac
  done
done)
checked=$(printf '%s\n' "$report" | sed -n 's/^CHECKED //p' | paste -sd' ' -)
[ -n "$checked" ] || { echo "none of the PAM services $services exists on this host: no log-ins to protect"; exit 77; }
bad=$(printf '%s\n' "$report" | sed -n 's/^BAD //p' | awk '!seen[$0]++')
if [ -n "$bad" ]; then
  printf '%s\n' "$bad"
  exit 1
fi
uses=$(printf '%s\n' "$report" | sed -n 's/^USES //p' | sort -u | awk '{ print "after " $1 " failures for " ($2 == 0 ? "good (until unlocked)" : $2 " s") }' | paste -sd';' -)
echo "pam_faillock counts failed log-ins for $checked and locks the account $uses (allowed: at most $deny_max failures, at least $unlock_min s)"
