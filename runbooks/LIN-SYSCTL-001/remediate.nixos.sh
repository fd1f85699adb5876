# NixOS: /etc/sysctl.d/60-nixos.conf is generated from boot.kernel.sysctl,
# so a module forces kernel.randomize_va_space = 2, configuration.nix
# imports it, and the switch regenerates the file and re-applies the
# sysctls (systemd-sysctl; skipped in a container, whose kernel is the
# host's).
set -eu
module=/etc/nixos/comply/LIN-SYSCTL-001.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
cat > "$module" <<'NIX'
# Written by comply LIN-SYSCTL-001 (45 CFR 164.312(c)(1)).
{ lib, ... }: { boot.kernel.sysctl."kernel.randomize_va_space" = lib.mkForce 2; }
NIX
if ! grep -q './comply/LIN-SYSCTL-001.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-SYSCTL-001.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-SYSCTL-001.nix|' "$config"
fi
nixos-rebuild switch
