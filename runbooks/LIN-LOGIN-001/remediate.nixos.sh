# NixOS: /etc/login.defs is generated from security.loginDefs.settings, so a
# module sets PASS_MAX_DAYS (when the current value is missing or too long),
# configuration.nix imports it, and a switch regenerates the file. Existing
# accounts get `chage -M` (/etc/shadow is mutable with the default
# users.mutableUsers = true).
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
max=${COMPLY_INPUT_PASSWORD_MAX_DAYS:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input password_max_days must be a whole number of days of at least 1, got '$max'" >&2; exit 2 ;;
esac
# Accounts with a usable password (not empty, not locked with ! or *) whose
# maximum age is missing or too long; accounts without one (service
# accounts, locked ones) are never touched. For each: name, last change
# (days since 1970), and whether `chage -M` would expire it at once (its
# last change is older than the limit; 0 already forces a change).
now=$(($(date +%s) / 86400))
over=$(awk -F: -v max="$max" -v now="$now" '
  $2 != "" && $2 !~ /^[!*]/ && ($5 == "" || $5 < 0 || $5 + 0 > max + 0) {
    print $1, ($3 == "" ? "-" : $3), (($3 != "" && $3 + 0 > 0 && $3 + max < now) ? "at-once" : "later")
  }' /etc/shadow) || { echo "could not read /etc/shadow" >&2; exit 2; }
day() { date -u -d "@$(($1 * 86400))" +%F; }
# Never expire root: a person decides (new password, or lock it and use sudo).
root_last=$(printf '%s\n' "$over" | awk '$1 == "root" && $3 == "at-once" { print $2 }')
if [ -n "$root_last" ]; then
  echo "refused, nothing changed: root's password was last changed on $(day "$root_last") ($((now - root_last)) days ago), so chage -M $max would expire it at once. A person decides: set a new root password (passwd root) or lock it (passwd -l root) if administrators use sudo, then run this again." >&2
  exit 1
fi
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
  module=/etc/nixos/comply/LIN-LOGIN-001.nix
  config=/etc/nixos/configuration.nix
  mkdir -p /etc/nixos/comply
  module_body > "$module"
  if ! grep -q './comply/LIN-LOGIN-001.nix' "$config"; then
    grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-LOGIN-001.nix to" >&2; exit 1; }
    sed -i 's|imports = \[|imports = [ ./comply/LIN-LOGIN-001.nix|' "$config"
  fi
  nixos-rebuild switch
fi
expired=
while read -r user last when; do
  [ -n "$user" ] || continue
  echo "chage -M $max $user"
  chage -M "$max" "$user"
  if [ "$when" = at-once ]; then expired="$expired $user (last changed $(day "$last"))"; fi
done <<ACCOUNTS
$over
ACCOUNTS
if [ -n "$expired" ]; then
  echo "expired at once, these users must choose a new password at their next login:$expired"
fi
