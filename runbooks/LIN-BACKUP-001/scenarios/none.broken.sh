# fixtures: debian12-systemd, nixos-like
# A fresh system backs nothing up (dpkg-db-backup.timer saves only dpkg's
# own database and must not count).
! ls /etc/systemd/system/backup*.timer 2>/dev/null
