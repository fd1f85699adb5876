# Debian/Ubuntu: when a service's stack lacks a working pam_faillock,
# pam-auth-update profiles (the layout CIS recommends for Debian) add what
# is missing to the common-* files every log-in service includes:
# comply-faillock-notify `requisite pam_faillock.so preauth` before
# pam_unix and `required pam_faillock.so` to the account stack (when no
# preauth stops a locked account, e.g. one that runs as optional, or the
# account line is missing; a second preauth line is harmless, it only
# reads the tally), comply-faillock `[default=die] pam_faillock.so
# authfail` right after pam_unix (only when no authfail is reached after a
# wrong password: two reachable authfail lines would count each failure
# twice). Only the profiles needed are written: pam-auth-update enables
# any "Default: yes" profile it finds when a package runs it. Then
# deny and unlock_time go into /etc/security/faillock.conf (which has no
# drop-in directory), and into any file a pam_faillock line names with
# conf=, when the values there are out of bounds. A module
# argument that overrides them with a wrong value is left to a person.
set -eu
deny_max=${COMPLY_INPUT_FAILLOCK_DENY:-}
unlock_min=${COMPLY_INPUT_FAILLOCK_UNLOCK_TIME_S:-}
services=${COMPLY_INPUT_LOGIN_PAM_SERVICES:-}
case "$deny_max:$unlock_min" in
  *[!0-9:]* | :* | *: | 0:*) echo "inputs faillock_deny (at least 1) and faillock_unlock_time_s must be whole numbers, got '$deny_max' and '$unlock_min'" >&2; exit 2 ;;
esac
# needs SERVICE: "notify" and/or "authfail", the profiles SERVICE lacks.
needs() {
  checks=$(stack "$1" auth | flow)
  printf '%s\n' "$checks" | grep -qx 'PRE ok' && stack "$1" account | grep -q '	pam_faillock\.so' || echo notify
  printf '%s\n' "$checks" | grep -qx 'FAIL ok' || echo authfail
}
# A preauth line whose success ends the stack (sufficient) lets every
# account that is not locked in without a password: the pam-auth-update
# profile that adds it is disabled (its file stays); a hand-written one
# is left to a person.
bypass=
for service in $services; do
  [ -e "/etc/pam.d/$service" ] || continue
  if stack "$service" auth | flow | grep -q '^PRE bypass'; then bypass="$bypass $service"; fi
done
if [ -n "$bypass" ]; then
  offending=$(for f in /usr/share/pam-configs/*; do
      [ -f "$f" ] || continue
      case "${f##*/}" in comply-faillock | comply-faillock-notify) continue ;; esac
      if awk '/^[A-Za-z-]+:/ { section = $1 } section == "Auth:" && /pam_faillock\.so/ && / preauth/ && ($1 == "sufficient" || /success=done/) { found = 1 } END { exit !found }' "$f"; then
        echo "${f##*/}"
      fi
    done)
  [ -n "$offending" ] || { echo "the preauth line of pam_faillock ends the auth stack on success (sufficient) for$bypass, and no pam-auth-update profile adds it: fix /etc/pam.d by hand" >&2; exit 1; }
  # shellcheck disable=SC2086 # one word per profile
  DEBIAN_FRONTEND=noninteractive pam-auth-update --disable $offending
  echo "pam-auth-update profiles disabled (their preauth line skipped the password check): $offending"
fi
missing=
profiles=
for service in $services; do
  [ -e "/etc/pam.d/$service" ] || continue
  need=$(needs "$service")
  [ -z "$need" ] && continue
  missing="$missing $service"
  for p in $need; do
    [ "$p" = notify ] && p=comply-faillock-notify || p=comply-faillock
    case " $profiles " in *" $p "*) ;; *) profiles="$profiles $p" ;; esac
  done
done
if [ -n "$missing" ]; then
  case " $profiles " in *" comply-faillock "*)
  cat > /usr/share/pam-configs/comply-faillock <<'PROFILE'
Name: Lock accounts after repeated failed log-ins (comply LIN-PAM-001)
Default: yes
Priority: 0
Auth-Type: Primary
Auth:
	[default=die]	pam_faillock.so authfail
PROFILE
  ;; esac
  case " $profiles " in *" comply-faillock-notify "*)
  cat > /usr/share/pam-configs/comply-faillock-notify <<'PROFILE'
Name: Count failed log-ins and refuse locked accounts (comply LIN-PAM-001)
Default: yes
Priority: 1024
Auth-Type: Primary
Auth:
	requisite	pam_faillock.so preauth
Account-Type: Primary
Account:
	required	pam_faillock.so
PROFILE
  ;; esac
  # shellcheck disable=SC2086 # one word per profile
  DEBIAN_FRONTEND=noninteractive pam-auth-update --enable $profiles
  for service in $missing; do
    [ -z "$(needs "$service")" ] || { echo "$service still lacks a working pam_faillock after pam-auth-update (does /etc/pam.d/$service include common-auth and common-account? are they modified by hand?)" >&2; exit 1; }
  done
  echo "pam-auth-update profiles enabled:$profiles (for$missing)"
fi
# The configuration files in use: faillock.conf and those named by a conf=
# argument of a pam_faillock line.
confs=$(
  echo /etc/security/faillock.conf
  for service in $services; do
    [ -e "/etc/pam.d/$service" ] || continue
    stack "$service" auth | awk -F '\t' '$2 ~ /^pam_faillock\.so/ { n = split($2, a, " "); for (i = 2; i <= n; i++) if (a[i] ~ /^conf=/) print substr(a[i], 6) }'
  done | sort -u
)
conf_value() {
  v=$(sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([^[:space:]]*\).*/\1/p" "$conf" 2>/dev/null | tail -n 1)
  echo "${v:-$2}"
}
set_conf() {
  if grep -Eq "^[[:space:]]*$1[[:space:]]*=" "$conf" 2>/dev/null; then
    sed -i -E "s/^[[:space:]]*$1[[:space:]]*=.*/$1 = $2/" "$conf"
  else
    printf '# Set by comply LIN-PAM-001 (45 CFR 164.308(a)(5)(ii)(C)).\n%s = %s\n' "$1" "$2" >> "$conf"
  fi
  echo "$conf: $1 = $2"
}
for conf in $confs; do
  deny=$(conf_value deny 3)
  case "$deny" in
    '' | *[!0-9]* | 0) set_conf deny "$deny_max" ;;
    *) [ "$deny" -le "$deny_max" ] || set_conf deny "$deny_max" ;;
  esac
  unlock=$(conf_value unlock_time 600)
  case "$unlock" in
    0 | never) ;;
    '' | *[!0-9]*) set_conf unlock_time "$unlock_min" ;;
    *) [ "$unlock" -ge "$unlock_min" ] || set_conf unlock_time "$unlock_min" ;;
  esac
done
# Module arguments override the file: a wrong one there needs a person.
bad=$(for service in $services; do
  [ -e "/etc/pam.d/$service" ] || continue
  stack "$service" auth | awk -F '\t' -v s="$service" -v dmax="$deny_max" -v umin="$unlock_min" '
    $2 ~ /^pam_faillock\.so/ {
      n = split($2, a, " ")
      for (i = 2; i <= n; i++) {
        if (a[i] ~ /^deny=/) { v = substr(a[i], 6); if (v !~ /^[0-9]+$/ || v + 0 < 1 || v + 0 > dmax + 0) print s ": " $2 }
        if (a[i] ~ /^unlock_time=/) { v = substr(a[i], 13); if (v != "never" && (v !~ /^[0-9]+$/ || (v + 0 != 0 && v + 0 < umin + 0))) print s ": " $2 }
      }
    }'
done | sort -u)
if [ -n "$bad" ]; then
  echo "pam_faillock lines whose own deny/unlock_time arguments override the configuration file with a value out of bounds; fix them by hand:" >&2
  printf '%s\n' "$bad" >&2
  exit 1
fi
