# fixtures: nixos-like
# The configuration lets root log in with a password.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses root logins.
groupadd -f wheel
useradd -m -U -s /bin/bash -G wheel comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PermitRootLogin = "yes"; }' > /etc/nixos/scenario/rootlogin.nix
sed -i 's|imports = \[|imports = [ ./scenario/rootlogin.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PermitRootLogin yes' /etc/ssh/sshd_config
