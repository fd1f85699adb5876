# fixtures: nixos-like
# The configuration sets a maximum age of almost three years.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { security.loginDefs.settings.PASS_MAX_DAYS = 1000; }' > /etc/nixos/scenario/login.nix
sed -i 's|imports = \[|imports = [ ./scenario/login.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'PASS_MAX_DAYS 1000' /etc/login.defs
