# fixtures: debian12-systemd
set -eu
printf 'PermitRootLogin no\n' > /etc/ssh/sshd_config.d/10-site.conf
systemctl reload sshd
sshd -T | grep -qx 'permitrootlogin no'
