# Debian/Ubuntu: set PASS_MAX_DAYS in /etc/login.defs (it has no drop-in
# directory) when it is missing or too long, and `chage -M` every account
# whose password may be kept too long. Users are asked for a new password at
# their next login if theirs is already older.
set -eu
max_age_accounts
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
chage_accounts
