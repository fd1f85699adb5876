# fixtures: debian12-systemd, nixos-like
# The system's own logs are tight, but an application writes its export
# log readable and writable by everyone.
set -eu
find /var/log -xdev -type f -perm /o=rwx ! -path /var/log/wtmp ! -path /var/log/lastlog -exec chmod o-rwx {} +
mkdir -p /var/log/ehr
echo "exported 12 patient records" > /var/log/ehr/export.log
chmod 0666 /var/log/ehr/export.log
