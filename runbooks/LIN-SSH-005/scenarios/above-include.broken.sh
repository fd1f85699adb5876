# fixtures: debian12-systemd
# PubkeyAuthentication no above the Include line of sshd_config: sshd keeps
# the first value, so it wins over every drop-in in sshd_config.d.
set -eu
sed -i '1i PubkeyAuthentication no' /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qx 'pubkeyauthentication no'
