# fixtures: nixos-like
# Empty passwords allowed, and the host is built from a flake
# (/etc/nixos/flake.nix): the remediation must refuse and change nothing.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PermitEmptyPasswords = true; }' > /etc/nixos/scenario/emptypw.nix
sed -i 's|imports = \[|imports = [ ./scenario/emptypw.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
printf '{\n  outputs = { self, nixpkgs }: { nixosConfigurations.host = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; }; };\n}\n' > /etc/nixos/flake.nix
grep -qx 'PermitEmptyPasswords yes' /etc/ssh/sshd_config
