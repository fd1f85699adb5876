# fixtures: debian12-systemd
no-such-tool --break-things
