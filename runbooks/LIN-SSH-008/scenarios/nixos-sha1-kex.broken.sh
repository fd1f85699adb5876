# fixtures: nixos-like
# The configuration offers a SHA-1 Diffie-Hellman group.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.KexAlgorithms = [ "curve25519-sha256" "diffie-hellman-group14-sha1" ]; }' > /etc/nixos/scenario/kex.nix
sed -i 's|imports = \[|imports = [ ./scenario/kex.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1' /etc/ssh/sshd_config
