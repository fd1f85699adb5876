# Compliant when, for every PAM service in login_pam_services that exists,
# the effective auth stack (includes expanded) runs `pam_faillock.so
# preauth` before pam_unix with a control that ends the log-in when it
# refuses a locked account (requisite, required, [auth_err=die/bad]; not
# optional or sufficient, which let a locked account log in), reaches
# `pam_faillock.so authfail` after pam_unix when the password is wrong (no
# requisite pam_deny.so or other stop in between), the account stack runs
# pam_faillock.so, and each of those faillock lines locks
# after 1..faillock_deny failures for 0 (until an administrator unlocks) or
# at least faillock_unlock_time_s seconds. Values come from the module's
# arguments, else /etc/security/faillock.conf (or the file of its conf=
# argument), else pam_faillock's defaults (deny 3, unlock_time 600), as
# pam_faillock reads them.
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
# flow: reads a service's effective auth stack (stack SERVICE auth) and
# prints "PRE ok|missing|weak CONTROL|bypass CONTROL" — a pam_faillock.so
# preauth before pam_unix whose control ends the log-in when it refuses a
# locked account (requisite, required, or [...] with auth_err/default = die
# or bad), not one that only runs (optional, ignore), and none whose
# success ends the stack (sufficient, success=done): preauth succeeds for
# every account that is not locked, so that skips the password — and "FAIL
# ok|missing|unreachable LINE": a pam_faillock.so authfail after pam_unix
# that the stack reaches when pam_unix refuses the password (following
# each control's action; pam_permit succeeds, every other module fails),
# or the line that ends the stack before it (e.g. requisite pam_deny.so).
flow() {
  awk -F '\t' '
    function act(ctl, ret,    a, m, k, kv, v, d) {
      if (ctl == "required") return ret == "success" ? "ok" : "bad"
      if (ctl == "requisite") return ret == "success" ? "ok" : "die"
      if (ctl == "sufficient") return ret == "success" ? "done" : "ignore"
      if (ctl == "optional") return "ignore"
      gsub(/[][]/, "", ctl); m = split(ctl, a, /[ \t]+/); v = ""; d = "bad"
      for (k = 1; k <= m; k++) { split(a[k], kv, "="); if (kv[1] == ret) v = kv[2]; if (kv[1] == "default") d = kv[2] }
      return v != "" ? v : d
    }
    { ctl[NR] = $1; mod[NR] = $2 }
    $2 ~ /^pam_unix\.so/ && !unix { unix = NR }
    END {
      pre = "missing"
      for (i = 1; i < (unix ? unix : NR + 1); i++) {
        if (mod[i] !~ /^pam_faillock\.so/ || mod[i] !~ / preauth( |$)/) continue
        if (act(ctl[i], "success") == "done") { pre = "bypass " ctl[i]; break }
        a = act(ctl[i], "auth_err")
        if (a == "die" || a == "bad") pre = "ok"
        else if (pre != "ok") pre = "weak " ctl[i]
      }
      fail = "missing"
      for (i = unix + 1; unix && i <= NR; i++) if (mod[i] ~ /^pam_faillock\.so/ && mod[i] ~ / authfail( |$)/) fail = "unreachable"
      if (fail == "unreachable") {
        i = unix; ret = "auth_err"
        while (i <= NR) {
          if (mod[i] ~ /^pam_faillock\.so/ && mod[i] ~ / authfail( |$)/) { fail = "ok"; break }
          if (i != unix) ret = mod[i] ~ /^pam_permit\.so/ ? "success" : "auth_err"
          a = act(ctl[i], ret)
          if (a == "die" || a == "done") { fail = "unreachable " ctl[i] " " mod[i]; break }
          i += (a ~ /^[0-9]+$/) ? a + 1 : 1
        }
      }
      print "PRE " pre
      print "FAIL " fail
    }'
}
# conf_value FILE KEY DEFAULT: the configuration file's value for KEY (the
# last one), else DEFAULT. pam_faillock reads /etc/security/faillock.conf,
# or the file its conf= argument names.
conf_value() {
  v=$(sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" "$1" 2>/dev/null | tail -n 1)
  echo "${v:-$3}"
}
# One line per finding ("BAD ..."), per checked service ("CHECKED ...") and
# per effective faillock setting ("USES deny unlock").
report=$(
for service in $services; do
  [ -e "/etc/pam.d/$service" ] || continue
  echo "CHECKED $service"
  auth=$(stack "$service" auth)
  account=$(stack "$service" account)
  checks=$(printf '%s\n' "$auth" | flow)
  pre=$(printf '%s\n' "$checks" | sed -n 's/^PRE //p')
  fail=$(printf '%s\n' "$checks" | sed -n 's/^FAIL //p')
  if [ "$pre" = missing ] || [ "$fail" = missing ]; then
    echo "BAD $service: its auth stack does not run pam_faillock.so preauth before pam_unix and authfail after it: failed log-ins are not counted"
    continue
  fi
  case "$pre" in
    bypass\ *) echo "BAD $service: pam_faillock.so preauth runs as '${pre#bypass }': it succeeds for every account that is not locked, and that success ends the auth stack before pam_unix asks for a password" ;;
    weak\ *) echo "BAD $service: pam_faillock.so preauth runs as '${pre#weak }', so its refusal of a locked account is ignored and the account can still log in (requisite, required or [auth_err=die] needed)" ;;
  esac
  case "$fail" in
    unreachable\ *) echo "BAD $service: when pam_unix refuses a password, '${fail#unreachable }' ends the auth stack before pam_faillock.so authfail: failed log-ins are never counted" ;;
  esac
  if ! printf '%s\n' "$account" | grep -q '	pam_faillock\.so'; then
    echo "BAD $service: its account stack does not run pam_faillock.so: a locked account is not refused"
  fi
  for args in $(printf '%s\n' "$auth" | awk -F '\t' '$2 ~ /^pam_faillock\.so/ { a = $2; sub(/^[^ ]*/, "", a); gsub(/ /, ",", a); print "x" a }'); do
    file=/etc/security/faillock.conf
    for arg in $(printf '%s\n' "$args" | tr ',' ' '); do
      case $arg in conf=*) file=${arg#conf=} ;; esac
    done
    deny=$(conf_value "$file" deny 3)
    unlock=$(conf_value "$file" unlock_time 600)
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
