# fixtures: nixos-like
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.ClientAliveInterval = 120; services.openssh.settings.ClientAliveCountMax = 2; }' > /etc/nixos/scenario/clientalive.nix
sed -i 's|imports = \[|imports = [ ./scenario/clientalive.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'ClientAliveInterval 120' /etc/ssh/sshd_config
