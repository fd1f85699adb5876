# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces the bounds,
# configuration.nix imports it, and the switch restarts sshd. Refuses (exit 3,
# nothing changed) when the configuration is kept elsewhere (flake, git,
# deployment tool).
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-002
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords='clientaliveinterval clientalivecountmax'
spec_users=nobody
max_interval=${COMPLY_INPUT_SSH_CLIENT_ALIVE_INTERVAL_MAX_S:-}
max_count=${COMPLY_INPUT_SSH_CLIENT_ALIVE_COUNT_MAX:-}
inputs_ok || exit 2
module_body() {
  echo "# Written by comply LIN-SSH-002 (45 CFR 164.312(a)(2)(iii))."
  echo "{ lib, ... }: {"
  echo "  services.openssh.settings.ClientAliveInterval = lib.mkForce $max_interval;"
  echo "  services.openssh.settings.ClientAliveCountMax = lib.mkForce $max_count;"
  echo "}"
}
preflight() { :; }
sshd_remediate_nixos
