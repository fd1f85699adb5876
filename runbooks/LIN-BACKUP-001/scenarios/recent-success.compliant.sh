# fixtures: debian12-systemd
# A nightly backup timer, enabled and active, whose service has just run
# and succeeded. (Not on nixos-like: its /etc/systemd/system is a read-only
# store link and its nixos-rebuild does not simulate systemd.timers.)
set -eu
mkdir -p /srv/ehr /var/backups
printf '[Unit]\nDescription=Back up the EHR data\n[Service]\nType=oneshot\nExecStart=/bin/sh -c "tar -czf /var/backups/ehr.tar.gz -C /srv ehr"\n' > /etc/systemd/system/backup-ehr.service
printf '[Unit]\nDescription=Nightly EHR backup\n[Timer]\nOnCalendar=*-*-* 02:00:00\n[Install]\nWantedBy=timers.target\n' > /etc/systemd/system/backup-ehr.timer
systemctl daemon-reload
systemctl enable --now backup-ehr.timer
systemctl start backup-ehr.service
