# fixtures: nixos-like
# The host is built from a flake (/etc/nixos/flake.nix): a module written
# next to configuration.nix would not be part of it, so the remediation
# must refuse and change nothing.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses root logins.
groupadd -f wheel
useradd -m -U -s /bin/bash -G wheel comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
printf '{\n  outputs = { self, nixpkgs }: { nixosConfigurations.host = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; }; };\n}\n' > /etc/nixos/flake.nix
grep -qx 'PermitRootLogin prohibit-password' /etc/ssh/sshd_config
