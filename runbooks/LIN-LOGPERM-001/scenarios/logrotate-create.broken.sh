# fixtures: debian12-systemd, nixos-like
# Every log is tight now, but an application's logrotate stanza recreates
# its log 0644 at the next rotation: a chmod alone is undone by logrotate.
set -eu
find /var/log -xdev -type f -perm /o=rwx ! -path /var/log/wtmp ! -path /var/log/lastlog -exec chmod o-rwx {} +
for conf in /etc/logrotate.d/*; do
  if [ -f "$conf" ]; then sed -i -E 's/^([[:space:]]*create[[:space:]]+[0-7]?[0-7][0-7])[1-7]([[:space:]]|$)/\10\2/' "$conf"; fi
done
mkdir -p /etc/logrotate.d
cat > /etc/logrotate.d/ehr-export <<'CONF'
/var/log/ehr-export.log {
	weekly
	rotate 52
	compress
	missingok
	create 0644 root root
}
CONF
echo "exported 12 patient records" > /var/log/ehr-export.log
chmod 0640 /var/log/ehr-export.log
