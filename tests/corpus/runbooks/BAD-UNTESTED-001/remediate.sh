systemctl enable --now nftables.service
