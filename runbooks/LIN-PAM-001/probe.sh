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
