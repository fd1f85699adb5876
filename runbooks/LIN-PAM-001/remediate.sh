# Debian/Ubuntu: when a service's stack lacks pam_faillock, two
# pam-auth-update profiles (the layout CIS recommends for Debian) add
# `requisite pam_faillock.so preauth` before pam_unix, `[default=die]
# pam_faillock.so authfail` after it, and `required pam_faillock.so` to the
# account stack of the common-* files every log-in service includes. Then
# deny and unlock_time go into /etc/security/faillock.conf (which has no
# drop-in directory) when the values there are out of bounds. A module
# argument that overrides them with a wrong value is left to a person.
set -eu
deny_max=${COMPLY_INPUT_FAILLOCK_DENY:-}
unlock_min=${COMPLY_INPUT_FAILLOCK_UNLOCK_TIME_S:-}
services=${COMPLY_INPUT_LOGIN_PAM_SERVICES:-}
case "$deny_max:$unlock_min" in
  *[!0-9:]* | :* | *: | 0:*) echo "inputs faillock_deny (at least 1) and faillock_unlock_time_s must be whole numbers, got '$deny_max' and '$unlock_min'" >&2; exit 2 ;;
esac
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
stack_ok() {
  [ "$(stack "$1" auth | awk -F '\t' '
    $2 ~ /^pam_faillock\.so/ && $2 ~ / preauth( |$)/ && !pre { pre = NR }
    $2 ~ /^pam_unix\.so/ && !unix { unix = NR }
    $2 ~ /^pam_faillock\.so/ && $2 ~ / authfail( |$)/ && unix && !fail { fail = NR }
    END { print (pre && unix && pre < unix && fail) ? "ok" : "no" }')" = ok ] &&
    stack "$1" account | grep -q '	pam_faillock\.so'
}
missing=
for service in $services; do
  [ -e "/etc/pam.d/$service" ] || continue
  stack_ok "$service" || missing="$missing $service"
done
if [ -n "$missing" ]; then
  cat > /usr/share/pam-configs/comply-faillock <<'PROFILE'
Name: Lock accounts after repeated failed log-ins (comply LIN-PAM-001)
Default: yes
Priority: 0
Auth-Type: Primary
Auth:
	[default=die]	pam_faillock.so authfail
PROFILE
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
  DEBIAN_FRONTEND=noninteractive pam-auth-update --enable comply-faillock comply-faillock-notify
  for service in $missing; do
    stack_ok "$service" || { echo "$service still lacks pam_faillock after pam-auth-update (does /etc/pam.d/$service include common-auth and common-account? are they modified by hand?)" >&2; exit 1; }
  done
  echo "pam_faillock added to the common-auth and common-account stacks (for$missing)"
fi
conf=/etc/security/faillock.conf
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
  echo "pam_faillock lines whose own deny/unlock_time arguments override $conf with a value out of bounds; fix them by hand:" >&2
  printf '%s\n' "$bad" >&2
  exit 1
fi
