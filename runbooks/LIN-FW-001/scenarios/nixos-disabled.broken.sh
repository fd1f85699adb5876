# fixtures: nixos-like
# The configuration switches the firewall off.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { networking.firewall.enable = false; }' > /etc/nixos/scenario/firewall.nix
sed -i 's|imports = \[|imports = [ ./scenario/firewall.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
! nft list ruleset | grep -q 'policy drop'
