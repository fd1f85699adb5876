# fixtures: nixos-like
# Idle clients are checked, but ClientAliveCountMax 0 never disconnects them.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.ClientAliveInterval = 120; services.openssh.settings.ClientAliveCountMax = 0; }' > /etc/nixos/scenario/clientalive.nix
sed -i 's|imports = \[|imports = [ ./scenario/clientalive.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'ClientAliveCountMax 0' /etc/ssh/sshd_config
