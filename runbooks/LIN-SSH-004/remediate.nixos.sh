# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces PermitEmptyPasswords no,
# configuration.nix imports it, and the switch restarts sshd.
set -eu
module=/etc/nixos/comply/LIN-SSH-004.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
cat > "$module" <<'NIX'
# Written by comply LIN-SSH-004 (45 CFR 164.312(d), 164.312(a)(1)).
{ lib, ... }: { services.openssh.settings.PermitEmptyPasswords = lib.mkForce false; }
NIX
if ! grep -q './comply/LIN-SSH-004.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-SSH-004.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-SSH-004.nix|' "$config"
fi
nixos-rebuild switch
