# fixtures: nixos-like
# The configuration lets accounts with an empty password log in.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PermitEmptyPasswords = true; }' > /etc/nixos/scenario/emptypw.nix
sed -i 's|imports = \[|imports = [ ./scenario/emptypw.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PermitEmptyPasswords yes' /etc/ssh/sshd_config
