# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces
# services.openssh.settings.Ciphers to the approved ciphers this OpenSSH
# supports, configuration.nix imports it, and the switch restarts sshd.
# Refuses (exit 3, nothing changed) when the configuration is kept elsewhere
# (flake, git, deployment tool).
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-006
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none (Ciphers may not appear in a Match
# block, so the Match blocks cannot change it).
keywords=ciphers
spec_users=nobody
approved=${COMPLY_INPUT_SSH_APPROVED_CIPHERS:-}
alg_name=Ciphers alg_words=ciphers alg_input=ssh_approved_ciphers alg_query=cipher
inputs_ok || exit 2
list=$(supported_list)
nixlist=$(printf '%s\n' "$list" | tr ',' '\n' | sed 's/.*/"&"/' | paste -sd' ' -)
module_body() {
  echo "# Written by comply LIN-SSH-006 (45 CFR 164.312(e)(1), 164.312(e)(2)(ii))."
  echo "{ lib, ... }: { services.openssh.settings.Ciphers = lib.mkForce [ $nixlist ]; }"
}
preflight() { :; }
sshd_remediate_nixos
