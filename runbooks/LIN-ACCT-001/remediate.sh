# Lock every account with an empty password: `usermod -L` puts a "!" in
# front of the (empty) hash, wherever it is kept, so no password matches it.
# The owner sets a real password (`passwd USER`) to unlock it. /etc/passwd
# and /etc/shadow are mutable on NixOS too (users.mutableUsers, the default).
set -eu
[ -r /etc/shadow ] || { echo "/etc/shadow is not readable: the remediation must run as root" >&2; exit 1; }
users=$(awk -F: '$2 == "" { print $1 }' /etc/shadow /etc/passwd | sort -u)
for user in $users; do
  echo "locking $user: it had an empty password"
  usermod -L "$user"
done
