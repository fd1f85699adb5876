# fixtures: debian12-systemd
# MACs above the Include line of sshd_config: sshd keeps the first value,
# so it wins over every drop-in in sshd_config.d.
set -eu
sed -i '1i MACs hmac-sha2-256,hmac-md5' /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qix 'MACs hmac-sha2-256,hmac-md5'
