# fixtures: debian12-systemd
rm -f /etc/systemd/journald.conf.d/90-append.conf
