# Debian/Ubuntu: set PASS_MAX_DAYS in /etc/login.defs (it has no drop-in
# directory) when it is missing or too long, and `chage -M` every account
# whose password may be kept too long. Users are asked for a new password at
# their next login if theirs is already older.
set -eu
max=${COMPLY_INPUT_PASSWORD_MAX_DAYS:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input password_max_days must be a whole number of days of at least 1, got '$max'" >&2; exit 2 ;;
esac
# Accounts with a usable password (not empty, not locked with ! or *) whose
# maximum age is missing or too long; accounts without one (service
# accounts, locked ones) are never touched. For each: name, last change
# (days since 1970), and whether `chage -M` would expire it at once (its
# last change is older than the limit; 0 already forces a change).
now=$(($(date +%s) / 86400))
over=$(awk -F: -v max="$max" -v now="$now" '
  $2 != "" && $2 !~ /^[!*]/ && ($5 == "" || $5 < 0 || $5 + 0 > max + 0) {
    print $1, ($3 == "" ? "-" : $3), (($3 != "" && $3 + 0 > 0 && $3 + max < now) ? "at-once" : "later")
  }' /etc/shadow) || { echo "could not read /etc/shadow" >&2; exit 2; }
day() { date -u -d "@$(($1 * 86400))" +%F; }
# Never expire root: a person decides (new password, or lock it and use sudo).
root_last=$(printf '%s\n' "$over" | awk '$1 == "root" && $3 == "at-once" { print $2 }')
if [ -n "$root_last" ]; then
  echo "refused, nothing changed: root's password was last changed on $(day "$root_last") ($((now - root_last)) days ago), so chage -M $max would expire it at once. A person decides: set a new root password (passwd root) or lock it (passwd -l root) if administrators use sudo, then run this again." >&2
  exit 1
fi
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
expired=
while read -r user last when; do
  [ -n "$user" ] || continue
  echo "chage -M $max $user"
  chage -M "$max" "$user"
  if [ "$when" = at-once ]; then expired="$expired $user (last changed $(day "$last"))"; fi
done <<ACCOUNTS
$over
ACCOUNTS
if [ -n "$expired" ]; then
  echo "expired at once, these users must choose a new password at their next login:$expired"
fi
