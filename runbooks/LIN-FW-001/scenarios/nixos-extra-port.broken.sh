# fixtures: nixos-like
# The configuration opens 8080 for a test server.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { networking.firewall.allowedTCPPorts = [ 8080 ]; }' > /etc/nixos/scenario/firewall.nix
sed -i 's|imports = \[|imports = [ ./scenario/firewall.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
nft list ruleset | grep -q 8080
