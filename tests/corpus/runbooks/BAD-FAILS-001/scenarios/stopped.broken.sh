# fixtures: debian12-systemd
systemctl disable --now nftables.service
