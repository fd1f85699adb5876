# fixtures: debian12-systemd, nixos-like
set -eu
find /var/log -xdev -type f -perm /o=rwx ! -path /var/log/wtmp ! -path /var/log/lastlog -exec chmod o-rwx {} +
# and the logrotate stanzas that would recreate them 0644 (dpkg, alternatives)
for conf in /etc/logrotate.d/*; do
  if [ -f "$conf" ]; then sed -i -E 's/^([[:space:]]*create[[:space:]]+[0-7]?[0-7][0-7])[1-7]([[:space:]]|$)/\10\2/' "$conf"; fi
done
