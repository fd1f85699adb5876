# fixtures: nixos-like
# NixOS's defaults: PasswordAuthentication and KbdInteractiveAuthentication true.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses passwords.
groupadd -f wheel
useradd -m -U -s /bin/bash -G wheel comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
grep -qx 'PasswordAuthentication yes' /etc/ssh/sshd_config
