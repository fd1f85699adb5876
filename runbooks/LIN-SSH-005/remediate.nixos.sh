# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces PubkeyAuthentication yes,
# configuration.nix imports it, and the switch restarts sshd. Refuses (exit 3,
# nothing changed) when the configuration is kept elsewhere (flake, git,
# deployment tool).
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-005
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords=pubkeyauthentication
spec_users=nobody
inputs_ok || exit 2
module_body() {
  echo "# Written by comply LIN-SSH-005 (45 CFR 164.312(d))."
  echo '{ lib, ... }: { services.openssh.settings.PubkeyAuthentication = lib.mkForce true; }'
}
preflight() { :; }
sshd_remediate_nixos
