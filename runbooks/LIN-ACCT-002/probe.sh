# Compliant when root is the only local account with user ID 0. Another
# UID-0 account has every power of root under a different name, so what it
# does is not attributable to a person as root's use is. No automatic fix
# (L3): removing or renumbering it can lock out whoever relies on it, or
# leave its files owned by root; a person decides.
if ! others=$(awk -F: '$3 == 0 && $1 != "root" { print $1 }' /etc/passwd); then
  echo "could not read /etc/passwd"
  exit 2
fi
if [ -n "$others" ]; then
  echo "accounts other than root with user ID 0: $(printf '%s\n' "$others" | paste -sd' ' -)"
  exit 1
fi
echo "root is the only account with user ID 0"
