# fixtures: nixos-like
# No /etc/nixos/configuration.nix: the host is deployed from elsewhere
# (colmena, deploy-rs, a pipeline), which would overwrite a local switch, so
# the remediation must refuse and change nothing.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses passwords.
groupadd -f wheel
useradd -m -U -s /bin/bash -G wheel comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
rm /etc/nixos/configuration.nix
grep -qx 'PasswordAuthentication yes' /etc/ssh/sshd_config
