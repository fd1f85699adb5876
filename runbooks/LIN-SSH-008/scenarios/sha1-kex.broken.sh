# fixtures: debian12-systemd
# SHA-1 Diffie-Hellman groups re-enabled for an old client, next to the defaults.
set -eu
printf 'KexAlgorithms +diffie-hellman-group14-sha1,diffie-hellman-group1-sha1\n' > /etc/ssh/sshd_config.d/50-legacy-client.conf
systemctl reload sshd
sshd -T | grep -q '^kexalgorithms .*diffie-hellman-group1-sha1'
