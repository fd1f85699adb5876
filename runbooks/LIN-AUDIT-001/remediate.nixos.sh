# NixOS: kernel auditing and auditd are part of the configuration. A module
# sets security.audit.enable (kernel auditing on, see below) and forces
# security.auditd.enable (the daemon), configuration.nix imports it, and the
# switch starts auditd.service.
set -eu
audit_nixos_refuse_off
module_body() {
  cat <<'NIX'
# Written by comply LIN-AUDIT-001 (45 CFR 164.312(b)).
{ lib, ... }: {
  security.audit.enable = lib.mkDefault true;
  security.auditd.enable = lib.mkForce true;
}
NIX
}
nixos_config_here
nixos_module_switch LIN-AUDIT-001
