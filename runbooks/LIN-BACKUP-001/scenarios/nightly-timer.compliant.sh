# fixtures: debian12-systemd
set -eu
printf '[Unit]\nDescription=Back up the EHR data\n[Service]\nType=oneshot\nExecStart=/bin/tar -czf /var/backups/ehr.tar.gz /srv\n' > /etc/systemd/system/backup-ehr.service
printf '[Unit]\nDescription=Nightly EHR backup\n[Timer]\nOnCalendar=*-*-* 02:00:00\nPersistent=true\n[Install]\nWantedBy=timers.target\n' > /etc/systemd/system/backup-ehr.timer
systemctl daemon-reload
systemctl enable --now backup-ehr.timer
