# fixtures: debian12-systemd
# The running rules are a correct default-deny policy, loaded by hand with
# `nft -f`, while nftables.service (enabled) loads Debian's stock
# /etc/nftables.conf at boot: after a reboot the host accepts everything.
set -eu
cat > /root/firewall-test.nft <<'NFT'
flush ruleset
table inet filter {
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
nft -f /root/firewall-test.nft
! grep -q 'policy drop' /etc/nftables.conf
