# fixtures: nixos-like
# The NixOS configuration itself keeps the journal in memory, so the managed
# /etc/systemd/journald.conf (a link into the store) says Storage=volatile.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.journald.storage = "volatile"; }' > /etc/nixos/scenario/journald.nix
sed -i 's|imports = \[|imports = [ ./scenario/journald.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
grep -qx 'Storage=volatile' /etc/systemd/journald.conf
