# fixtures: nixos-like
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { system.autoUpgrade.enable = true; }' > /etc/nixos/scenario/autoupgrade.nix
sed -i 's|imports = \[|imports = [ ./scenario/autoupgrade.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
