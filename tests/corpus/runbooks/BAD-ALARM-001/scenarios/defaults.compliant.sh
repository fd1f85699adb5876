# fixtures: debian12-systemd, debian12-vm
test -d /var/log/journal
