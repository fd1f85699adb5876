# fixtures: debian12-systemd
# A Match block turns key-based logins off for 192.168.0.0/16. Plain
# `sshd -T` ignores Match blocks and reports PubkeyAuthentication yes.
set -eu
printf 'Match Address 192.168.0.0/16\n    PubkeyAuthentication no\n' >> /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qx 'pubkeyauthentication yes'
sshd -T -C user=nobody,host=192.168.1.9,addr=192.168.1.9 | grep -qx 'pubkeyauthentication no'
