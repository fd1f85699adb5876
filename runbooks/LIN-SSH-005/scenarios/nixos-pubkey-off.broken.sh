# fixtures: nixos-like
# The configuration turns key-based logins off.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PubkeyAuthentication = false; }' > /etc/nixos/scenario/pubkey.nix
sed -i 's|imports = \[|imports = [ ./scenario/pubkey.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PubkeyAuthentication no' /etc/ssh/sshd_config
