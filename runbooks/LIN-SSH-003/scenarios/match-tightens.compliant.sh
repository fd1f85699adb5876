# fixtures: debian12-systemd
# Keys only, and a Match block only tightens further for the sudo group.
set -eu
groupadd -f ops
useradd -m -G ops comply-operator
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' > /etc/ssh/sshd_config.d/10-keys-only.conf
printf 'Match Group ops\n    PasswordAuthentication no\n    AuthenticationMethods publickey\n' > /etc/ssh/sshd_config.d/20-ops.conf
systemctl reload sshd
sshd -T -C user=comply-operator,host=192.0.2.9,addr=192.0.2.9 | grep -qx 'authenticationmethods publickey'
