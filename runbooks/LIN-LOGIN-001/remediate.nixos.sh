# NixOS: /etc/login.defs is generated from security.loginDefs.settings, so a
# module sets PASS_MAX_DAYS (when the current value is missing or too long),
# configuration.nix imports it, and a switch regenerates the file. Existing
# accounts get `chage -M` (/etc/shadow is mutable with the default
# users.mutableUsers = true).
set -eu
max_age_accounts
value=$(awk '$1 == "PASS_MAX_DAYS" { v = $2 } END { print v }' /etc/login.defs)
case "$value" in
  '' | *[!0-9]*) ok=no ;;
  *) if [ "$value" -gt "$max" ] || [ "$value" -eq 0 ]; then ok=no; else ok=yes; fi ;;
esac
if [ "$ok" = no ]; then
  module_body() {
    cat <<NIX
# Written by comply LIN-LOGIN-001 (45 CFR 164.308(a)(5)(ii)(D)).
{ lib, ... }: { security.loginDefs.settings.PASS_MAX_DAYS = lib.mkForce $max; }
NIX
  }
  nixos_config_here
  nixos_module_switch LIN-LOGIN-001
fi
chage_accounts
