# fixtures: nixos-like
# ASLR is off, and the host is built from a flake: a switch from
# /etc/nixos/configuration.nix would not be what the next deployment
# builds, so the remediation must leave it to a person.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { boot.kernel.sysctl."kernel.randomize_va_space" = 0; }' > /etc/nixos/scenario/aslr.nix
sed -i 's|imports = \[|imports = [ ./scenario/aslr.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
printf '{ outputs = { self, nixpkgs }: { }; }\n' > /etc/nixos/flake.nix
