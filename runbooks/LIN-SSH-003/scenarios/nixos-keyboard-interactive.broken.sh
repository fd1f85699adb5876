# fixtures: nixos-like
# Passwords switched off, but keyboard-interactive (NixOS default true) still
# asks for the password through PAM.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses passwords.
groupadd -f wheel
useradd -m -U -s /bin/bash -G wheel comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PasswordAuthentication = false; }' > /etc/nixos/scenario/passwords.nix
sed -i 's|imports = \[|imports = [ ./scenario/passwords.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'KbdInteractiveAuthentication yes' /etc/ssh/sshd_config
