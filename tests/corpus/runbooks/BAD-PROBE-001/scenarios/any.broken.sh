# fixtures: debian12-systemd
true
