# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces
# services.openssh.settings.Macs to the approved MAC algorithms this OpenSSH
# supports, configuration.nix imports it, and the switch restarts sshd.
# Refuses (exit 3, nothing changed) when the configuration is kept elsewhere
# (flake, git, deployment tool).
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-007
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none (MACs may not appear in a Match
# block, so the Match blocks cannot change it).
keywords=macs
spec_users=nobody
approved=${COMPLY_INPUT_SSH_APPROVED_MACS:-}
alg_name=MACs alg_words='MAC algorithms' alg_input=ssh_approved_macs alg_query=mac
inputs_ok || exit 2
list=$(supported_list)
nixlist=$(printf '%s\n' "$list" | tr ',' '\n' | sed 's/.*/"&"/' | paste -sd' ' -)
module_body() {
  echo "# Written by comply LIN-SSH-007 (45 CFR 164.312(e)(1), 164.312(e)(2)(i))."
  echo "{ lib, ... }: { services.openssh.settings.Macs = lib.mkForce [ $nixlist ]; }"
}
preflight() { :; }
sshd_remediate_nixos
