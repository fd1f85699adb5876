# fixtures: debian12-systemd
# KexAlgorithms above the Include line of sshd_config: sshd keeps the first value,
# so it wins over every drop-in in sshd_config.d.
set -eu
sed -i '1i KexAlgorithms curve25519-sha256,diffie-hellman-group1-sha1' /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qix 'KexAlgorithms curve25519-sha256,diffie-hellman-group1-sha1'
