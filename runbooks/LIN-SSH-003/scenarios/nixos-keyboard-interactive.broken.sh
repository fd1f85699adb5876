# fixtures: nixos-like
# Passwords switched off, but keyboard-interactive (NixOS default true) still
# asks for the password through PAM.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PasswordAuthentication = false; }' > /etc/nixos/scenario/passwords.nix
sed -i 's|imports = \[|imports = [ ./scenario/passwords.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'KbdInteractiveAuthentication yes' /etc/ssh/sshd_config
