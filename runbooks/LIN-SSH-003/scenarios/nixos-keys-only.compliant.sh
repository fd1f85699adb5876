# fixtures: nixos-like
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PasswordAuthentication = false; services.openssh.settings.KbdInteractiveAuthentication = false; }' > /etc/nixos/scenario/passwords.nix
sed -i 's|imports = \[|imports = [ ./scenario/passwords.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PasswordAuthentication no' /etc/ssh/sshd_config
