# fixtures: debian12-systemd
# A legacy drop-in turns key-based logins off.
# (Not on debian12-vm: the gate itself logs in there with a key.)
set -eu
printf 'PubkeyAuthentication no\n' > /etc/ssh/sshd_config.d/50-legacy.conf
systemctl reload sshd
sshd -T | grep -qx 'pubkeyauthentication no'
