# Debian/Ubuntu: set PASS_MAX_DAYS in /etc/login.defs (it has no drop-in
# directory) when it is missing or too long, and `chage -M` every account
# whose password may be kept too long. Users are asked for a new password at
# their next login if theirs is already older.
set -eu
max=${COMPLY_INPUT_PASSWORD_MAX_DAYS:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input password_max_days must be a whole number of days of at least 1, got '$max'" >&2; exit 2 ;;
esac
value=$(awk '$1 == "PASS_MAX_DAYS" { v = $2 } END { print v }' /etc/login.defs)
case "$value" in
  '' | *[!0-9]*) ok=no ;;
  *) if [ "$value" -gt "$max" ] || [ "$value" -eq 0 ]; then ok=no; else ok=yes; fi ;;
esac
if [ "$ok" = no ]; then
  if grep -Eq '^[[:space:]]*PASS_MAX_DAYS([[:space:]]|$)' /etc/login.defs; then
    sed -i -E "s/^[[:space:]]*PASS_MAX_DAYS([[:space:]].*)?\$/PASS_MAX_DAYS\t$max/" /etc/login.defs
  else
    printf '# Added by comply LIN-LOGIN-001 (45 CFR 164.308(a)(5)(ii)(D)).\nPASS_MAX_DAYS\t%s\n' "$max" >> /etc/login.defs
  fi
  echo "/etc/login.defs: PASS_MAX_DAYS $max (was ${value:-unset})"
fi
for user in $(awk -F: -v max="$max" '$2 != "" && $2 !~ /^[!*]/ && ($5 == "" || $5 < 0 || $5 + 0 > max + 0) { print $1 }' /etc/shadow); do
  echo "chage -M $max $user"
  chage -M "$max" "$user"
done
