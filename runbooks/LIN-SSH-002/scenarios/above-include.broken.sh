# fixtures: debian12-systemd
# ClientAliveInterval 0 above the Include line of sshd_config: sshd keeps
# the first value, so it wins over every drop-in in sshd_config.d.
set -eu
sed -i '1i ClientAliveInterval 0' /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qx 'clientaliveinterval 0'
