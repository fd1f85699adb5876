# fixtures: debian12-systemd
# A Match block that keeps keys on and requires them changes nothing.
set -eu
printf 'Match Address 192.168.0.0/16\n    PubkeyAuthentication yes\n    AuthenticationMethods publickey\n' >> /etc/ssh/sshd_config
systemctl reload sshd
sshd -T -C user=nobody,host=192.168.1.9,addr=192.168.1.9 | grep -qx 'authenticationmethods publickey'
