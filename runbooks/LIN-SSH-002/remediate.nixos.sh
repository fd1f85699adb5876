# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces the bounds,
# configuration.nix imports it, and the switch restarts sshd.
set -eu
max_interval=${COMPLY_INPUT_SSH_CLIENT_ALIVE_INTERVAL_MAX_S:-}
max_count=${COMPLY_INPUT_SSH_CLIENT_ALIVE_COUNT_MAX:-}
case "$max_interval:$max_count" in
  *[!0-9:]* | :* | *: | *:0 | 0:*)
    echo "inputs ssh_client_alive_interval_max_s and ssh_client_alive_count_max must be whole numbers of at least 1, got '$max_interval' and '$max_count'" >&2
    exit 2 ;;
esac
module=/etc/nixos/comply/LIN-SSH-002.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
cat > "$module" <<NIX
# Written by comply LIN-SSH-002 (45 CFR 164.312(a)(2)(iii)).
{ lib, ... }: {
  services.openssh.settings.ClientAliveInterval = lib.mkForce $max_interval;
  services.openssh.settings.ClientAliveCountMax = lib.mkForce $max_count;
}
NIX
if ! grep -q './comply/LIN-SSH-002.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-SSH-002.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-SSH-002.nix|' "$config"
fi
nixos-rebuild switch
