# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces PermitRootLogin no,
# configuration.nix imports it, and the switch restarts sshd. Refuses (exit 3,
# nothing changed) when the configuration is kept elsewhere (flake, git,
# deployment tool) or when no administrator could log in afterwards.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-001
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none: PermitRootLogin matters only
# for root.
keywords=permitrootlogin
spec_users=root
inputs_ok || exit 2
module_body() {
  echo "# Written by comply LIN-SSH-001 (45 CFR 164.312(a)(2)(i), 164.312(a)(1))."
  echo '{ lib, ... }: { services.openssh.settings.PermitRootLogin = lib.mkForce "no"; }'
}
what="root login"
preflight() { lockout_guard; }
sshd_remediate_nixos
