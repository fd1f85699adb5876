# fixtures: debian12-systemd
# A default-deny firewall that "trusts" the interface carrying the default
# route: everything arriving from outside is accepted. (The gate's
# containers have no network: a veth pair with a default route stands in
# for the uplink.)
set -eu
ip link add uplink0 type veth peer name uplink0-peer
ip link set uplink0-peer up
ip link set uplink0 up
ip addr add 192.0.2.10/24 dev uplink0
ip route add default via 192.0.2.1 dev uplink0
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table inet filter {
	chain input {
		type filter hook input priority filter; policy drop;
		iif "lo" accept
		ct state established,related accept
		tcp dport 22 accept
		iifname "uplink0" accept
	}
}
NFT
systemctl enable nftables.service
systemctl restart nftables.service
ip route show default | grep -q 'dev uplink0'
