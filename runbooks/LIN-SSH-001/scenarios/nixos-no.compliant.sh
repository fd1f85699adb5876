# fixtures: nixos-like
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PermitRootLogin = "no"; }' > /etc/nixos/scenario/rootlogin.nix
sed -i 's|imports = \[|imports = [ ./scenario/rootlogin.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PermitRootLogin no' /etc/ssh/sshd_config
