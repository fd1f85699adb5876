# fixtures: nixos-like
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { security.loginDefs.settings.PASS_MAX_DAYS = 90; }' > /etc/nixos/scenario/login.nix
sed -i 's|imports = \[|imports = [ ./scenario/login.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PASS_MAX_DAYS 90' /etc/login.defs
