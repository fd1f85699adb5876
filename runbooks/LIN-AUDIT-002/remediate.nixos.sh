# NixOS: audit rules are part of the configuration (security.audit.rules,
# loaded at boot and by the switch); a module adds a watch per path and
# turns kernel auditing on without downgrading "lock" (see below),
# configuration.nix imports it, and the switch loads them.
set -eu
files=${COMPLY_INPUT_AUDIT_IDENTITY_FILES:-}
[ -n "$files" ] || { echo "input audit_identity_files is empty" >&2; exit 2; }
audit_nixos_refuse_off
module_body() {
  echo "# Written by comply LIN-AUDIT-002 (45 CFR 164.312(b))."
  echo "{ lib, ... }: {"
  echo "  security.audit.enable = lib.mkDefault true;"
  printf '  security.audit.rules = ['
  for file in $files; do
    printf ' "-w %s -p wa -k identity"' "$file"
  done
  echo " ];"
  echo "}"
}
nixos_config_here
nixos_module_switch LIN-AUDIT-002
if command -v auditctl >/dev/null 2>&1 && auditctl -s 2>/dev/null | grep -qx 'enabled 2'; then
  echo "the loaded audit rules are locked (security.audit.enable = \"lock\", -e 2): the new rules take effect at the next reboot" >&2
  exit 1
fi
