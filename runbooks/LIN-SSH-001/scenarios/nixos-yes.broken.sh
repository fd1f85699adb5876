# fixtures: nixos-like
# The configuration lets root log in with a password.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PermitRootLogin = "yes"; }' > /etc/nixos/scenario/rootlogin.nix
sed -i 's|imports = \[|imports = [ ./scenario/rootlogin.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PermitRootLogin yes' /etc/ssh/sshd_config
