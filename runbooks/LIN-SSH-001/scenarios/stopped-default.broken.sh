# fixtures: debian12-systemd
# Debian's default (prohibit-password: root logs in with a key) while ssh
# is stopped, so /run/sshd is gone and a plain `sshd -T` fails.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses root logins.
useradd -m -U -s /bin/bash -G sudo comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
systemctl stop ssh
! test -e /run/sshd
