# fixtures: debian12-systemd
# A default-deny firewall whose "allow our services" rule names only the
# protocols: `meta l4proto { tcp, udp } accept` opens every TCP and UDP port.
set -eu
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state established,related accept
		tcp dport 22 accept
		meta l4proto { tcp, udp } accept
	}
}
NFT
systemctl enable nftables.service
systemctl restart nftables.service
nft list ruleset | grep -q 'meta l4proto'
