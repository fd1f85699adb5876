# Debian/Ubuntu: put pam_pwquality back into the password stack when it is
# missing (pam-auth-update --enable pwquality, installing libpam-pwquality
# if needed), then set minlen (and enforcing) in the drop-in
# /etc/security/pwquality.conf.d/99-comply-LIN-PAM-002.conf. A value in
# pwquality.conf itself wins over every drop-in, so a too-low one there is
# changed in place. A module argument that overrides them with a wrong
# value is left to a person.
set -eu
min=${COMPLY_INPUT_PASSWORD_MIN_LENGTH:-}
case "$min" in
  '' | *[!0-9]* | 0) echo "input password_min_length must be a whole number of at least 1, got '$min'" >&2; exit 2 ;;
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
# pwquality.conf.d/*.conf in name order, then pwquality.conf, which
# libpwquality reads last: the last value of KEY wins, else DEFAULT.
pwq_value() {
  v=$(for f in /etc/security/pwquality.conf.d/*.conf /etc/security/pwquality.conf; do
        [ -r "$f" ] && sed -n "s/^[[:space:]]*$1[[:space:]]*=\{0,1\}[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$f"
      done | tail -n 1)
  echo "${v:-$2}"
}
if ! stack passwd password | grep -q '	pam_pwquality\.so'; then
  if [ ! -e /usr/share/pam-configs/pwquality ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpam-pwquality
  fi
  DEBIAN_FRONTEND=noninteractive pam-auth-update --enable pwquality
  stack passwd password | grep -q '	pam_pwquality\.so' ||
    { echo "pam_pwquality is still not in the password stack of passwd (is /etc/pam.d/common-password modified by hand?)" >&2; exit 1; }
  echo "pam_pwquality enabled in common-password"
fi
dropin=/etc/security/pwquality.conf.d/99-comply-LIN-PAM-002.conf
main=/etc/security/pwquality.conf
minlen=$(pwq_value minlen 8)
enforcing=$(pwq_value enforcing 1)
if [ "$minlen" -lt "$min" ] 2>/dev/null || [ "$enforcing" = 0 ]; then
  mkdir -p /etc/security/pwquality.conf.d
  printf '# Written by comply LIN-PAM-002 (45 CFR 164.308(a)(5)(ii)(D)).\nminlen = %s\nenforcing = 1\n' "$min" > "$dropin"
  for key in minlen enforcing; do
    if grep -Eq "^[[:space:]]*$key([[:space:]]|=)" "$main" 2>/dev/null; then
      want=$min
      [ "$key" = enforcing ] && want=1
      sed -i -E "s/^[[:space:]]*$key([[:space:]]|=).*/$key = $want/" "$main"
      echo "$main: $key = $want"
    fi
  done
  echo "$dropin: minlen = $min, enforcing = 1"
fi
args=$(stack passwd password | awk -F '\t' '$2 ~ /^pam_pwquality\.so/ { print $2; exit }')
for arg in $args; do
  case $arg in
    minlen=*) [ "${arg#minlen=}" -ge "$min" ] 2>/dev/null || { echo "the pam_pwquality line itself sets $arg, which overrides the configuration files: fix it by hand" >&2; exit 1; } ;;
    enforcing=0) echo "the pam_pwquality line itself sets enforcing=0: fix it by hand" >&2; exit 1 ;;
  esac
done
