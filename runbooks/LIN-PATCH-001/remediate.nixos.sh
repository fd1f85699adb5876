# NixOS: nixos-upgrade.timer comes from `system.autoUpgrade.enable = true;`
# in the configuration; `systemctl enable` cannot work (the unit directory
# is in the read-only store). Add a module for it, import it, and switch.
set -eu
module=/etc/nixos/comply/LIN-PATCH-001.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
cat > "$module" <<'NIX'
# Written by comply LIN-PATCH-001 (45 CFR 164.308(a)(5)(ii)(B)).
{ ... }: { system.autoUpgrade.enable = true; }
NIX
if ! grep -q './comply/LIN-PATCH-001.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-PATCH-001.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-PATCH-001.nix|' "$config"
fi
nixos-rebuild switch
