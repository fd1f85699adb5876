# fixtures: nixos-like
# The configuration offers an unapproved algorithm.
# The host is built from a flake (/etc/nixos/flake.nix): the remediation
# must refuse and change nothing.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.Ciphers = [ "aes256-ctr" "aes128-cbc" ]; }' > /etc/nixos/scenario/ciphers.nix
sed -i 's|imports = \[|imports = [ ./scenario/ciphers.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
printf '{\n  outputs = { self, nixpkgs }: { nixosConfigurations.host = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; }; };\n}\n' > /etc/nixos/flake.nix
grep -q '^Ciphers ' /etc/ssh/sshd_config
