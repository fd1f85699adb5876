# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces
# services.openssh.settings.Ciphers to the approved ciphers this OpenSSH
# supports, configuration.nix imports it, and the switch restarts sshd.
set -eu
approved=${COMPLY_INPUT_SSH_APPROVED_CIPHERS:-}
[ -n "$approved" ] || { echo "input ssh_approved_ciphers is empty: list the approved ciphers" >&2; exit 2; }
# The approved ones this OpenSSH supports, in the input's order (sshd
# refuses to start with an unknown name).
supported=$(ssh -Q cipher 2>/dev/null) || supported=
list=
for alg in $approved; do
  if [ -z "$supported" ] || printf '%s\n' "$supported" | grep -qxF "$alg"; then
    list="${list:+$list,}$alg"
  fi
done
[ -n "$list" ] || { echo "this OpenSSH supports none of the ciphers in ssh_approved_ciphers" >&2; exit 1; }
module=/etc/nixos/comply/LIN-SSH-006.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
nixlist=$(printf '%s\n' "$list" | tr ',' '\n' | sed 's/.*/"&"/' | paste -sd' ' -)
cat > "$module" <<NIX
# Written by comply LIN-SSH-006 (45 CFR 164.312(e)(1), 164.312(e)(2)(ii)).
{ lib, ... }: { services.openssh.settings.Ciphers = lib.mkForce [ $nixlist ]; }
NIX
if ! grep -q './comply/LIN-SSH-006.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-SSH-006.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-SSH-006.nix|' "$config"
fi
nixos-rebuild switch
