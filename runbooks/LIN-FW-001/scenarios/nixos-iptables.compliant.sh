# fixtures: nixos-like
# NixOS's default firewall without networking.nftables.enable: the
# iptables-based one (firewall.service), here as iptables-nft shows it in
# `nft list ruleset`. INPUT keeps policy accept and jumps to nixos-fw,
# which sends the allowed traffic (lo, replies, tcp 22, ping, ICMPv6,
# DHCPv6 to the link-local address) to nixos-fw-accept, whose only rule is
# a bare accept, and everything else through nixos-fw-log-refuse to
# nixos-fw-refuse (drop). The fixture has no iptables: the scenario loads
# the equivalent ruleset in place of the nftables variant.
set -eu
fw() { # FAMILY EXTRA-RULES-OF-nixos-fw
  cat <<NFT
table $1 filter {
	chain nixos-fw-accept {
		counter packets 0 bytes 0 accept
	}
	chain nixos-fw-refuse {
		counter packets 0 bytes 0 drop
	}
	chain nixos-fw-log-refuse {
		tcp flags syn / fin,syn,rst,ack counter packets 0 bytes 0 log prefix "refused connection: " level info
		pkttype != unicast counter packets 0 bytes 0 jump nixos-fw-refuse
		counter packets 0 bytes 0 jump nixos-fw-refuse
	}
	chain nixos-fw {
		iifname "lo" counter packets 0 bytes 0 jump nixos-fw-accept
		ct state related,established counter packets 0 bytes 0 jump nixos-fw-accept
		tcp dport 22 counter packets 0 bytes 0 jump nixos-fw-accept
$2
		counter packets 0 bytes 0 jump nixos-fw-log-refuse
	}
	chain INPUT {
		type filter hook input priority filter; policy accept;
		counter packets 0 bytes 0 jump nixos-fw
	}
}
NFT
}
{
  echo 'flush ruleset'
  fw ip '		meta l4proto 1 icmp type echo-request counter packets 0 bytes 0 jump nixos-fw-accept'
  fw ip6 '		meta l4proto 58 icmpv6 type nd-redirect counter packets 0 bytes 0 drop
		meta l4proto 58 icmpv6 type 139 counter packets 0 bytes 0 drop
		meta l4proto 58 counter packets 0 bytes 0 jump nixos-fw-accept
		ip6 daddr fe80::/64 udp dport 546 counter packets 0 bytes 0 jump nixos-fw-accept'
} > /run/nixos-fw-iptables.nft
nft -f /run/nixos-fw-iptables.nft
nft list chain ip filter nixos-fw-accept | grep -q accept
! nft list tables | grep -q nixos-fw
