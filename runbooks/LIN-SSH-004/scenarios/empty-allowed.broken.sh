# fixtures: debian12-systemd
# A kiosk drop-in lets accounts with an empty password log in.
set -eu
printf 'PermitEmptyPasswords yes\n' > /etc/ssh/sshd_config.d/50-kiosk.conf
systemctl reload sshd
sshd -T | grep -qx 'permitemptypasswords yes'
