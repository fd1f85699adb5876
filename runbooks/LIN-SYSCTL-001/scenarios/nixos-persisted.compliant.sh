# fixtures: nixos-like
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { boot.kernel.sysctl."kernel.randomize_va_space" = 2; }' > /etc/nixos/scenario/aslr.nix
sed -i 's|imports = \[|imports = [ ./scenario/aslr.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'kernel.randomize_va_space=2' /etc/sysctl.d/60-nixos.conf
