# fixtures: debian12-systemd
# The latest backup run failed, and someone (or LIN-SVC-001's remediation
# elsewhere) ran `systemctl reset-failed`: the unit no longer shows the
# failure, the journal still does (the old probe passed this).
set -eu
mkdir -p /srv/ehr /var/backups
printf '[Unit]\nDescription=Back up the EHR data\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "tar -czf /var/backups/ehr.tar.gz -C /srv ehr"\n' > /etc/systemd/system/backup-ehr.service
printf '[Unit]\nDescription=Nightly EHR backup\n[Timer]\nOnCalendar=*-*-* 02:00:00\n[Install]\nWantedBy=timers.target\n' > /etc/systemd/system/backup-ehr.timer
systemctl daemon-reload
systemctl enable --now backup-ehr.timer
systemctl start backup-ehr.service
sleep 1
rmdir /srv/ehr
! systemctl start backup-ehr.service
systemctl reset-failed backup-ehr.service
! systemctl is-failed --quiet backup-ehr.service
