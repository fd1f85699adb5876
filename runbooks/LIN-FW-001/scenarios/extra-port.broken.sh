# fixtures: debian12-systemd
# A default-deny firewall, but someone opened 8080 for a test server.
set -eu
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state established,related accept
		tcp dport { 22, 8080 } accept
	}
}
NFT
systemctl enable nftables.service
systemctl restart nftables.service
nft list ruleset | grep -q 8080
