# fixtures: debian12-systemd
# The uplink has IPv6, but the default-deny table is `ip` (IPv4 only):
# IPv6 traffic reaches every port. (The gate's containers have no network
# and IPv6 off: a veth pair stands in for the uplink, and IPv6 is switched
# on for it in this container's own network namespace only.)
set -eu
ip link add uplink0 type veth peer name uplink0-peer
mount --bind /proc/sys/net /proc/sys/net
mount -o remount,bind,rw /proc/sys/net
echo 0 > /proc/sys/net/ipv6/conf/uplink0/disable_ipv6
echo 0 > /proc/sys/net/ipv6/conf/uplink0-peer/disable_ipv6
ip link set uplink0-peer up
ip link set uplink0 up
ip -6 addr add 2001:db8::10/64 dev uplink0
ip -6 route add default via 2001:db8::1 dev uplink0
cat > /etc/nftables.conf <<'NFT'
#!/usr/sbin/nft -f
flush ruleset
table ip filter {
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
grep -q 'uplink0$' /proc/net/if_inet6
