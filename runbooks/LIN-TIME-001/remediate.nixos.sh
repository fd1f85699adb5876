# NixOS: the time service is part of the configuration (`systemctl enable`
# cannot work: the unit directory is in the read-only store). Unless chrony
# is configured (then only start it), a module forces
# services.timesyncd.enable = true, configuration.nix imports it, and the
# switch enables it. A switch starts only units it newly wants, so a
# service that is wanted but was stopped by hand is restarted here; its
# start at boot comes from the configuration.
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
if [ "$(systemctl show -p LoadState --value chronyd.service)" = loaded ]; then
  unit=chronyd.service
else
  unit=systemd-timesyncd.service
  module_body() {
    cat <<'NIX'
# Written by comply LIN-TIME-001 (45 CFR 164.312(b)).
{ lib, ... }: { services.timesyncd.enable = lib.mkForce true; }
NIX
  }
  nixos_config_here
  module=/etc/nixos/comply/LIN-TIME-001.nix
  config=/etc/nixos/configuration.nix
  mkdir -p /etc/nixos/comply
  module_body > "$module"
  if ! grep -q './comply/LIN-TIME-001.nix' "$config"; then
    grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-TIME-001.nix to" >&2; exit 1; }
    sed -i 's|imports = \[|imports = [ ./comply/LIN-TIME-001.nix|' "$config"
  fi
  nixos-rebuild switch
fi
systemctl is-active --quiet "$unit" || systemctl restart "$unit"
echo "$unit: $(systemctl is-enabled "$unit"), $(systemctl is-active "$unit")"
