# NixOS: nixos-upgrade.timer comes from `system.autoUpgrade.enable = true;`
# in the configuration; `systemctl enable` cannot work (the unit directory
# is in the read-only store). Add a module for it (lib.mkForce, like the
# other comply modules: an explicit `false` elsewhere must not win), import
# it, and switch. On a flake host auto-upgrade rebuilds the flake's locked
# inputs unless it is told to update them, so it would patch nothing: the
# guard refuses there (and on hosts deployed from elsewhere).
set -eu
module_body() {
  cat <<'NIX'
# Written by comply LIN-PATCH-001 (45 CFR 164.308(a)(5)(ii)(B)).
# On a host built from a flake, auto-upgrade also needs
# system.autoUpgrade.flake and either flags that update the flake's locked
# nixpkgs input (e.g. flags = [ "--update-input" "nixpkgs" ];) or a lock
# file kept updated where the flake lives: otherwise an upgrade rebuilds
# the same locked packages and patches nothing.
{ lib, ... }: { system.autoUpgrade.enable = lib.mkForce true; }
NIX
}
nixos_config_here
nixos_module_switch LIN-PATCH-001
