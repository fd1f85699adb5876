# NixOS: nixos-upgrade.timer comes from `system.autoUpgrade.enable = true;`
# in the configuration; `systemctl enable` cannot work (the unit directory
# is in the read-only store). Add a module for it (lib.mkForce, like the
# other comply modules: an explicit `false` elsewhere must not win), import
# it, and switch. On a flake host auto-upgrade rebuilds the flake's locked
# inputs unless it is told to update them, so it would patch nothing: the
# guard refuses there (and on hosts deployed from elsewhere).
set -eu
# --- NixOS ownership check: nixos_config_here is a verbatim copy of the one
# in LIN-SSH-001 … LIN-SSH-008 (keep every copy identical) -----------------
# Changes only a host whose configuration is /etc/nixos/configuration.nix,
# switched on the host itself. Exits 3, having changed nothing, when the
# configuration is kept or built elsewhere: a flake (builds only what git
# tracks), a git-managed /etc/nixos, no configuration.nix, colmena or
# deploy-rs markers, or NIXOS_CONFIG / nixos-config= pointing elsewhere; it
# prints the module (module_body) for a person to add where it is kept.
nixos_config_here() {
  why=''
  nix_config=${NIXOS_CONFIG:-}
  case ":${NIX_PATH:-}:" in
    *:nixos-config=*) nix_config=${NIX_PATH#*nixos-config=}; nix_config=${nix_config%%:*} ;;
  esac
  if [ -e /etc/nixos/flake.nix ]; then
    why="/etc/nixos/flake.nix exists: this host is built from a flake, which sees only files git tracks and may not use configuration.nix at all"
  elif [ -e /etc/nixos/.git ]; then
    why="/etc/nixos is a git repository: its configuration is managed there (and a new untracked file is invisible to a flake)"
  elif [ ! -f /etc/nixos/configuration.nix ]; then
    why="/etc/nixos/configuration.nix does not exist: this host is deployed from elsewhere (colmena, deploy-rs, NixOps, a CI pipeline)"
  elif [ -e /etc/nixos/hive.nix ] || grep -Eq '^[^#]*(deployment\.(targetHost|keys|tags)|deploy-rs|colmena)' /etc/nixos/configuration.nix; then
    why="/etc/nixos carries colmena or deploy-rs markers: this host is deployed from elsewhere"
  elif [ -n "$nix_config" ] && [ "$nix_config" != /etc/nixos/configuration.nix ]; then
    why="nixos-rebuild reads $nix_config (NIXOS_CONFIG or nixos-config= in NIX_PATH), not /etc/nixos/configuration.nix"
  fi
  [ -n "$why" ] || return 0
  echo "not changed: $why. A switch from here would be overwritten by the next deployment or would not contain the fix. Add this module to the configuration where it is kept, then deploy it:" >&2
  module_body >&2
  exit 3
}
# --- end of the NixOS ownership check ----------------------------------------
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
module=/etc/nixos/comply/LIN-PATCH-001.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
module_body > "$module"
if ! grep -q './comply/LIN-PATCH-001.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-PATCH-001.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-PATCH-001.nix|' "$config"
fi
nixos-rebuild switch
