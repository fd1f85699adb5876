# fixtures: debian12-systemd
# A Match block that repeats the compliant value changes nothing.
set -eu
printf 'Match User kiosk\n    PermitEmptyPasswords no\n    PermitTTY no\n' > /etc/ssh/sshd_config.d/50-kiosk.conf
systemctl reload sshd
sshd -T -C user=kiosk,host=192.0.2.9,addr=192.0.2.9 | grep -qx 'permittty no'
