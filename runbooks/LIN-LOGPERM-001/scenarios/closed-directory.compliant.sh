# fixtures: debian12-systemd, nixos-like
# An application keeps a 0644 log in a directory only its group can enter
# (like Debian's /var/log/unattended-upgrades): no other user can reach it.
set -eu
find /var/log -xdev -type f -perm /o=rwx ! -path /var/log/wtmp ! -path /var/log/lastlog -exec chmod o-rwx {} +
mkdir -p -m 0750 /var/log/pacs
echo "worklist synchronised" > /var/log/pacs/sync.log
chmod 0644 /var/log/pacs/sync.log
