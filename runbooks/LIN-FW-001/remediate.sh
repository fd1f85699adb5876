# Debian/Ubuntu (L2: it replaces the host's firewall rules, so it runs only
# when allowed): /etc/nftables.conf becomes a default-deny inbound ruleset
# that accepts loopback, replies to this host's own connections, the ICMP
# messages IPv4/IPv6 need, and new connections only to
# firewall_allowed_tcp_ports / firewall_allowed_udp_ports. The file starts
# with `flush ruleset`, as Debian's does: rules loaded by other tools
# (e.g. Docker's) are removed and must be added to this file by a person.
# The previous file is kept once as /etc/nftables.conf.comply-orig. The
# ruleset is checked with `nft -c` before anything is changed, then
# nftables.service is enabled and (re)loads it.
set -eu
PATH=$PATH:/usr/sbin:/sbin
tcp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_TCP_PORTS-}
udp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_UDP_PORTS-}
case " $tcp_allowed $udp_allowed " in
  *[!0-9\ ]*) echo "inputs firewall_allowed_tcp_ports and firewall_allowed_udp_ports must be port numbers, got '$tcp_allowed' and '$udp_allowed'" >&2; exit 2 ;;
esac
if ! command -v nft >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nftables
fi
conf=/etc/nftables.conf
new=$(mktemp)
trap 'rm -f "$new"' EXIT
{
  cat <<'HEAD'
#!/usr/sbin/nft -f
# Written by comply LIN-FW-001 (45 CFR 164.312(e)(1)): inbound traffic is
# dropped unless it answers this host's own connections or goes to an
# approved port (suite inputs firewall_allowed_tcp_ports and
# firewall_allowed_udp_ports). The previous file: /etc/nftables.conf.comply-orig
flush ruleset

table inet comply_filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state established,related accept
		ct state invalid drop
		icmp type { echo-request, destination-unreachable, time-exceeded, parameter-problem } accept
		icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert } accept
HEAD
  [ -z "$tcp_allowed" ] || printf '\t\ttcp dport { %s } accept\n' "$(printf '%s\n' $tcp_allowed | paste -sd, - | sed 's/,/, /g')"
  [ -z "$udp_allowed" ] || printf '\t\tudp dport { %s } accept\n' "$(printf '%s\n' $udp_allowed | paste -sd, - | sed 's/,/, /g')"
  printf '\t}\n}\n'
} > "$new"
nft -c -f "$new"
if ! cmp -s "$new" "$conf"; then
  if [ -e "$conf" ] && [ ! -e "$conf.comply-orig" ]; then
    cp -p "$conf" "$conf.comply-orig"
  fi
  cat "$new" > "$conf"
fi
if [ -d /run/systemd/system ]; then
  systemctl enable nftables.service
  systemctl restart nftables.service
else
  nft -f "$conf"
fi
