# fixtures: debian12-systemd
set -eu
printf 'ClientAliveInterval 120\nClientAliveCountMax 2\n' > /etc/ssh/sshd_config.d/10-site.conf
systemctl reload sshd
sshd -T | grep -qx 'clientaliveinterval 120'
