# fixtures: debian12-systemd
# Empty passwords are refused globally, but a Match block lets the kiosk
# account in without one. Plain `sshd -T` ignores Match blocks.
set -eu
printf 'Match User kiosk\n    PermitEmptyPasswords yes\n' > /etc/ssh/sshd_config.d/50-kiosk.conf
systemctl reload sshd
sshd -T | grep -qx 'permitemptypasswords no'
sshd -T -C user=kiosk,host=192.0.2.9,addr=192.0.2.9 | grep -qx 'permitemptypasswords yes'
