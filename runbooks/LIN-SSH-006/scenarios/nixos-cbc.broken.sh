# fixtures: nixos-like
# The configuration offers a CBC-mode cipher.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.Ciphers = [ "aes256-ctr" "aes128-cbc" ]; }' > /etc/nixos/scenario/ciphers.nix
sed -i 's|imports = \[|imports = [ ./scenario/ciphers.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'Ciphers aes256-ctr,aes128-cbc' /etc/ssh/sshd_config
