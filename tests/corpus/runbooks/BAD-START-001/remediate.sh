systemctl start nftables.service
