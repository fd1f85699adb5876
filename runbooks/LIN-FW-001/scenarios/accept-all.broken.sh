# fixtures: debian12-systemd
# nftables enabled with Debian's stock /etc/nftables.conf: chains with
# policy accept, so it filters nothing.
set -eu
systemctl enable nftables.service
systemctl restart nftables.service
nft list chain inet filter input | grep -q 'policy accept'
