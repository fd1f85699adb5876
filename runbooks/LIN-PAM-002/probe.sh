# Compliant when the password stack of the `passwd` service (includes
# expanded) runs pam_pwquality.so as requisite or required, enforcing, with
# an effective minlen of at least password_min_length. minlen and enforcing
# come from the module's arguments, else /etc/security/pwquality.conf,
# which libpwquality reads after the pwquality.conf.d/*.conf drop-ins (so
# its value wins over theirs), else the defaults (minlen 8, enforcing 1);
# libpwquality raises a minlen below 6 to 6.
min=${COMPLY_INPUT_PASSWORD_MIN_LENGTH:-}
case "$min" in
  '' | *[!0-9]* | 0) echo "input password_min_length must be a whole number of at least 1, got '$min'" >&2; exit 2 ;;
esac
[ -e /etc/pam.d/passwd ] || { echo "/etc/pam.d/passwd does not exist: passwords are not changed through PAM here"; exit 77; }
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
line=$(stack passwd password | awk -F '\t' '$2 ~ /^pam_pwquality\.so/ { print; exit }')
if [ -z "$line" ]; then
  echo "pam_pwquality is not in the password stack of passwd: new passwords are not checked for length"
  exit 1
fi
control=${line%%	*}
args=${line#*	}
minlen=$(pwq_value minlen 8)
enforcing=$(pwq_value enforcing 1)
for arg in $args; do
  case $arg in
    minlen=*) minlen=${arg#minlen=} ;;
    enforcing=*) enforcing=${arg#enforcing=} ;;
  esac
done
case "$minlen" in '' | *[!0-9]*) echo "pam_pwquality minlen '$minlen' is not a number"; exit 2 ;; esac
[ "$minlen" -ge 6 ] || minlen=6
status=0
case "$control" in
  requisite | required) ;;
  *) echo "pam_pwquality runs as '$control': a password it rejects can still be set"; status=1 ;;
esac
if [ "$enforcing" = 0 ]; then
  echo "pam_pwquality has enforcing = 0: it only warns about a short password"
  status=1
fi
if [ "$minlen" -lt "$min" ]; then
  echo "new passwords may be as short as $minlen characters (required: $min)"
  status=1
fi
[ "$status" = 0 ] && echo "pam_pwquality ($control) requires new passwords of at least $minlen characters (required: $min)"
exit "$status"
