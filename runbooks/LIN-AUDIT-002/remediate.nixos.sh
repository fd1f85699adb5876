# NixOS: audit rules are part of the configuration (security.audit.rules,
# loaded at boot and by the switch); a module adds a watch per path,
# configuration.nix imports it, and the switch loads them.
set -eu
files=${COMPLY_INPUT_AUDIT_IDENTITY_FILES:-}
[ -n "$files" ] || { echo "input audit_identity_files is empty" >&2; exit 2; }
module=/etc/nixos/comply/LIN-AUDIT-002.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
{
  echo "# Written by comply LIN-AUDIT-002 (45 CFR 164.312(b))."
  echo "{ lib, ... }: {"
  echo "  security.audit.enable = lib.mkForce true;"
  printf '  security.audit.rules = ['
  for file in $files; do
    printf ' "-w %s -p wa -k identity"' "$file"
  done
  echo " ];"
  echo "}"
} > "$module"
if ! grep -q './comply/LIN-AUDIT-002.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-AUDIT-002.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-AUDIT-002.nix|' "$config"
fi
nixos-rebuild switch
