# fixtures: debian12-systemd
# CBC-mode ciphers re-enabled for an old client, next to the defaults.
set -eu
printf 'Ciphers +aes128-cbc,aes256-cbc\n' > /etc/ssh/sshd_config.d/50-legacy-client.conf
systemctl reload sshd
sshd -T | grep -q '^ciphers .*aes128-cbc'
