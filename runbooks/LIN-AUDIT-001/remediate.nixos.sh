# NixOS: auditd is part of the configuration (security.auditd.enable); a
# module forces it on, configuration.nix imports it, and the switch starts
# auditd.service.
set -eu
module=/etc/nixos/comply/LIN-AUDIT-001.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
cat > "$module" <<'NIX'
# Written by comply LIN-AUDIT-001 (45 CFR 164.312(b)).
{ lib, ... }: { security.auditd.enable = lib.mkForce true; }
NIX
if ! grep -q './comply/LIN-AUDIT-001.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-AUDIT-001.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-AUDIT-001.nix|' "$config"
fi
nixos-rebuild switch
