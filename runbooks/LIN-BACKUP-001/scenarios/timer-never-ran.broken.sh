# fixtures: debian12-systemd
# A nightly backup timer, enabled and active, whose service has never run:
# a schedule is no evidence that a backup was ever made (the old probe
# passed this).
set -eu
printf '[Unit]\nDescription=Back up the EHR data\n[Service]\nType=oneshot\nExecStart=/bin/tar -czf /var/backups/ehr.tar.gz /srv\n' > /etc/systemd/system/backup-ehr.service
printf '[Unit]\nDescription=Nightly EHR backup\n[Timer]\nOnCalendar=*-*-* 02:00:00\n[Install]\nWantedBy=timers.target\n' > /etc/systemd/system/backup-ehr.timer
systemctl daemon-reload
systemctl enable --now backup-ehr.timer
