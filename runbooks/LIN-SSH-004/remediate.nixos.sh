# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces PermitEmptyPasswords no,
# configuration.nix imports it, and the switch restarts sshd. Refuses (exit 3,
# nothing changed) when the configuration is kept elsewhere (flake, git,
# deployment tool).
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-004
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords=permitemptypasswords
spec_users=nobody
inputs_ok || exit 2
module_body() {
  echo "# Written by comply LIN-SSH-004 (45 CFR 164.312(d), 164.312(a)(1))."
  echo '{ lib, ... }: { services.openssh.settings.PermitEmptyPasswords = lib.mkForce false; }'
}
preflight() { :; }
sshd_remediate_nixos
