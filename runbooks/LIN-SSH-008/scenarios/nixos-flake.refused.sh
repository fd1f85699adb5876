# fixtures: nixos-like
# The configuration offers an unapproved algorithm.
# The host is built from a flake (/etc/nixos/flake.nix): the remediation
# must refuse and change nothing.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.KexAlgorithms = [ "curve25519-sha256" "diffie-hellman-group14-sha1" ]; }' > /etc/nixos/scenario/kexalgorithms.nix
sed -i 's|imports = \[|imports = [ ./scenario/kexalgorithms.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
printf '{\n  outputs = { self, nixpkgs }: { nixosConfigurations.host = nixpkgs.lib.nixosSystem { modules = [ ./configuration.nix ]; }; };\n}\n' > /etc/nixos/flake.nix
grep -q '^KexAlgorithms ' /etc/ssh/sshd_config
