# NixOS (L2): the firewall is part of the configuration (networking.firewall,
# default on; /etc/nftables.conf is generated from it). A module forces it
# on with exactly the approved ports, configuration.nix imports it, and the
# switch reloads the rules. (services.openssh opens its own port 22 unless
# services.openssh.openFirewall = false.) The switch reloads the firewall
# only when its generated rules changed, so rules added at run time (by
# hand, by extraCommands of an earlier generation, by another tool) would
# stay: the firewall service is restarted afterwards, so the kernel holds
# exactly the configuration's rules (firewall.service for the iptables
# firewall, else nftables.service, whose ruleset starts with
# `flush ruleset`).
set -eu
tcp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_TCP_PORTS-}
udp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_UDP_PORTS-}
case " $tcp_allowed $udp_allowed " in
  *[!0-9\ ]*) echo "inputs firewall_allowed_tcp_ports and firewall_allowed_udp_ports must be port numbers, got '$tcp_allowed' and '$udp_allowed'" >&2; exit 2 ;;
esac
module_body() {
  cat <<NIX
# Written by comply LIN-FW-001 (45 CFR 164.312(e)(1)).
{ lib, ... }: {
  networking.firewall.enable = lib.mkForce true;
  networking.firewall.allowedTCPPorts = lib.mkForce [ $tcp_allowed ];
  networking.firewall.allowedUDPPorts = lib.mkForce [ $udp_allowed ];
}
NIX
}
nixos_config_here
nixos_module_switch LIN-FW-001
if systemctl cat firewall.service >/dev/null 2>&1; then
  systemctl restart firewall.service
else
  systemctl restart nftables.service
fi
