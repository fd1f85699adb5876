# fixtures: debian12-systemd
systemctl enable --now nftables.service
