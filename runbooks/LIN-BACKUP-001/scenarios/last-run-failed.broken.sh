# fixtures: debian12-systemd
# The backup succeeded once, then its latest run failed (the service is in
# the failed state).
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
systemctl is-failed --quiet backup-ehr.service
