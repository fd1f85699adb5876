# lib/login-max-age.sh — shared by remediate.sh and remediate.nixos.sh of
# LIN-LOGIN-001 (password_max_days). Defines functions only.
#
# Provides: max_age_accounts (checks the input, sets $max, $now and $over,
# the accounts a new maximum age applies to, and refuses, exit 1, when
# root's password would expire at once), chage_accounts (applies
# `chage -M $max` to them, naming those expired at once) and day.
day() { date -u -d "@$(($1 * 86400))" +%F; }
max_age_accounts() {
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
  # Never expire root: a person decides (new password, or lock it and use sudo).
  root_last=$(printf '%s\n' "$over" | awk '$1 == "root" && $3 == "at-once" { print $2 }')
  if [ -n "$root_last" ]; then
    echo "refused, nothing changed: root's password was last changed on $(day "$root_last") ($((now - root_last)) days ago), so chage -M $max would expire it at once. A person decides: set a new root password (passwd root) or lock it (passwd -l root) if administrators use sudo, then run this again." >&2
    exit 1
  fi
}
chage_accounts() {
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
}
