# fixtures: nixos-like
# The configuration switches systemd-timesyncd off.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.timesyncd.enable = false; }' > /etc/nixos/scenario/timesyncd.nix
sed -i 's|imports = \[|imports = [ ./scenario/timesyncd.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
! systemctl is-active --quiet systemd-timesyncd
