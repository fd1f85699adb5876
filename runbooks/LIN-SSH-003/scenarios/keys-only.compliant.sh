# fixtures: debian12-systemd
set -eu
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' > /etc/ssh/sshd_config.d/10-keys-only.conf
systemctl reload sshd
sshd -T | grep -qx 'passwordauthentication no'
