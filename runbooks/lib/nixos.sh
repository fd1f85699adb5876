# lib/nixos.sh — the NixOS remediations' ownership check and module switch,
# shared by remediate.nixos.sh of LIN-SSH-001 … LIN-SSH-008 (through
# lib/sshd-remediate.sh), LIN-AUDIT-001, LIN-AUDIT-002, LIN-LOGIN-001,
# LIN-PATCH-001 and LIN-TIME-001. Defines functions only.
#
# Provides: nixos_config_here, nixos_module_switch ID. Both call
# module_body, which the runbook script defines: it prints the module.
#
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
# nixos_module_switch ID: writes module_body to /etc/nixos/comply/ID.nix
# ($module), adds ./comply/ID.nix to the `imports = [` list of
# configuration.nix ($config) unless it is there, and runs
# `nixos-rebuild switch`. Exits 1 when configuration.nix has no such list.
nixos_module_switch() {
  module=/etc/nixos/comply/$1.nix
  config=/etc/nixos/configuration.nix
  mkdir -p /etc/nixos/comply
  module_body > "$module"
  if ! grep -q "./comply/$1.nix" "$config"; then
    grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/$1.nix to" >&2; exit 1; }
    sed -i "s|imports = \\[|imports = [ ./comply/$1.nix|" "$config"
  fi
  nixos-rebuild switch
}
