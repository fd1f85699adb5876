# fixtures: debian12-systemd, debian12-vm
no-such-tool --break-things
