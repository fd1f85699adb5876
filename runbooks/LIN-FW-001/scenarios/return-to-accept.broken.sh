# fixtures: debian12-systemd
# The input chain (policy accept) jumps to a chain that ends in drop, but a
# `return` in it sends some packets back to the policy accept: the "drop by
# default" holds only for the packets that do not match the return.
set -eu
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain fw {
		iif "lo" accept
		ct state established,related accept
		tcp dport 22 accept
		meta l4proto udp return
		drop
	}
	chain input {
		type filter hook input priority filter; policy accept;
		jump fw
	}
}
NFT
systemctl enable nftables.service
systemctl restart nftables.service
nft list chain inet filter fw | grep -q return
