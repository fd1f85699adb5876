# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces
# PasswordAuthentication (and, unless allowed, KbdInteractiveAuthentication)
# off, configuration.nix imports it, and the switch restarts sshd.
set -eu
kbd_allowed=${COMPLY_INPUT_SSH_KBD_INTERACTIVE_ALLOWED:-}
case "$kbd_allowed" in
  true | false) ;;
  *) echo "input ssh_kbd_interactive_allowed must be true or false, got '$kbd_allowed'" >&2; exit 2 ;;
esac
module=/etc/nixos/comply/LIN-SSH-003.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
{
  echo "# Written by comply LIN-SSH-003 (45 CFR 164.312(d))."
  echo "{ lib, ... }: {"
  echo "  services.openssh.settings.PasswordAuthentication = lib.mkForce false;"
  [ "$kbd_allowed" = true ] || echo "  services.openssh.settings.KbdInteractiveAuthentication = lib.mkForce false;"
  echo "}"
} > "$module"
if ! grep -q './comply/LIN-SSH-003.nix' "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-SSH-003.nix to" >&2; exit 1; }
  sed -i 's|imports = \[|imports = [ ./comply/LIN-SSH-003.nix|' "$config"
fi
nixos-rebuild switch
