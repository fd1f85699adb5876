# fixtures: debian12-systemd
set -eu
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	set admin_ports {
		type inet_service
		elements = { 22 }
	}
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state established,related accept
		tcp dport @admin_ports accept
	}
}
NFT
systemctl enable nftables.service
systemctl restart nftables.service
