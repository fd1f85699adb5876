# fixtures: debian12-systemd
# A correct default-deny table, but dormant (`flags dormant`, e.g. left
# from a maintenance window): its chains are not attached to the hooks and
# filter nothing.
set -eu
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	flags dormant
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state established,related accept
		tcp dport 22 accept
	}
}
NFT
systemctl enable nftables.service
systemctl restart nftables.service
nft list ruleset | grep -q 'flags dormant'
