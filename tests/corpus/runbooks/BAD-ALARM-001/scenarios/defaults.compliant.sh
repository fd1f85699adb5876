# fixtures: debian12-systemd
test -d /var/log/journal
