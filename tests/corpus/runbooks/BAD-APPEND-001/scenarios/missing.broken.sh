# fixtures: debian12-systemd, debian12-vm
rm -f /etc/systemd/journald.conf.d/90-append.conf
