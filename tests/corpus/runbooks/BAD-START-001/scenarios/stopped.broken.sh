# fixtures: debian12-systemd, debian12-vm
systemctl disable --now nftables.service
