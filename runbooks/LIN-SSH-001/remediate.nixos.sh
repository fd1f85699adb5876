# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces PermitRootLogin no,
# configuration.nix imports it, and the switch restarts sshd.
set -eu
module=/etc/nixos/comply/LIN-SSH-001.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
cat > "$module" <<'NIX'
# Written by comply LIN-SSH-001 (45 CFR 164.312(a)(2)(i), 164.312(a)(1)).
{ lib, ... }: { services.openssh.settings.PermitRootLogin = lib.mkForce "no"; }
NIX
if ! grep -q './comply/LIN-SSH-001.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-SSH-001.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-SSH-001.nix|' "$config"
fi
nixos-rebuild switch
