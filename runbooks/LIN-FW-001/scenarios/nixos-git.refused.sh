# fixtures: nixos-like
# The firewall is off and /etc/nixos is a git checkout (a .git directory
# stands for one: the fixture has no git): its configuration is managed
# there, so the remediation must not switch from here.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { networking.firewall.enable = false; }' > /etc/nixos/scenario/fw.nix
sed -i 's|imports = \[|imports = [ ./scenario/fw.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
mkdir -p /etc/nixos/.git
