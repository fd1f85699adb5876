# fixtures: debian12-systemd
# Keys only globally, but a Match block lets the sudo group log in with a
# password. Plain `sshd -T` ignores Match blocks and reports
# PasswordAuthentication no.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses passwords.
useradd -m -U -s /bin/bash -G sudo comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
printf 'PasswordAuthentication no\nKbdInteractiveAuthentication no\n' > /etc/ssh/sshd_config.d/10-keys-only.conf
printf 'Match Group sudo\n    PasswordAuthentication yes\n' > /etc/ssh/sshd_config.d/20-ops.conf
systemctl reload sshd
sshd -T | grep -qx 'passwordauthentication no'
sshd -T -C user=comply-admin,host=192.0.2.9,addr=192.0.2.9 | grep -qx 'passwordauthentication yes'
