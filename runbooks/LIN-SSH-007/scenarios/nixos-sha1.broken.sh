# fixtures: nixos-like
# The configuration offers HMAC-SHA1.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.Macs = [ "hmac-sha2-256" "hmac-sha1" ]; }' > /etc/nixos/scenario/macs.nix
sed -i 's|imports = \[|imports = [ ./scenario/macs.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'Macs hmac-sha2-256,hmac-sha1' /etc/ssh/sshd_config
