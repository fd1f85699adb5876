# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces
# PasswordAuthentication (and, unless allowed, KbdInteractiveAuthentication)
# off, configuration.nix imports it, and the switch restarts sshd. Refuses
# (exit 3, nothing changed) when the configuration is kept elsewhere (flake,
# git, deployment tool) or when no administrator could log in afterwards.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-003
kbd_allowed=${COMPLY_INPUT_SSH_KBD_INTERACTIVE_ALLOWED:-}
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords='passwordauthentication kbdinteractiveauthentication challengeresponseauthentication'
[ "$kbd_allowed" != true ] || keywords=passwordauthentication
spec_users=nobody
inputs_ok || exit 2
module_body() {
  echo "# Written by comply LIN-SSH-003 (45 CFR 164.312(d))."
  echo "{ lib, ... }: {"
  echo "  services.openssh.settings.PasswordAuthentication = lib.mkForce false;"
  [ "$kbd_allowed" = true ] || echo "  services.openssh.settings.KbdInteractiveAuthentication = lib.mkForce false;"
  echo "}"
}
what="password login"
preflight() { lockout_guard; }
sshd_remediate_nixos
