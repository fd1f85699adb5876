# fixtures: debian12-systemd
# Ciphers above the Include line of sshd_config: sshd keeps the first value,
# so it wins over every drop-in in sshd_config.d.
set -eu
sed -i '1i Ciphers aes256-ctr,aes128-cbc' /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qix 'Ciphers aes256-ctr,aes128-cbc'
