# NixOS: the time service is part of the configuration (`systemctl enable`
# cannot work: the unit directory is in the read-only store). Unless chrony
# is configured (then only start it), a module forces
# services.timesyncd.enable = true, configuration.nix imports it, and the
# switch enables it. A switch starts only units it newly wants, so a
# service that is wanted but was stopped by hand is restarted here; its
# start at boot comes from the configuration.
set -eu
if [ "$(systemctl show -p LoadState --value chronyd.service)" = loaded ]; then
  unit=chronyd.service
else
  unit=systemd-timesyncd.service
  module_body() {
    cat <<'NIX'
# Written by comply LIN-TIME-001 (45 CFR 164.312(b)).
{ lib, ... }: { services.timesyncd.enable = lib.mkForce true; }
NIX
  }
  nixos_config_here
  nixos_module_switch LIN-TIME-001
fi
systemctl is-active --quiet "$unit" || systemctl restart "$unit"
echo "$unit: $(systemctl is-enabled "$unit"), $(systemctl is-active "$unit")"
