# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces PubkeyAuthentication yes,
# configuration.nix imports it, and the switch restarts sshd.
set -eu
module=/etc/nixos/comply/LIN-SSH-005.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
cat > "$module" <<'NIX'
# Written by comply LIN-SSH-005 (45 CFR 164.312(d)).
{ lib, ... }: { services.openssh.settings.PubkeyAuthentication = lib.mkForce true; }
NIX
if ! grep -q './comply/LIN-SSH-005.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-SSH-005.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-SSH-005.nix|' "$config"
fi
nixos-rebuild switch
