# fixtures: debian12-systemd
# A nightly restic run from cron. cron records no exit status, so no
# successful run within backup_max_age_h can be proven: broken unless
# backup_accept_cron_schedule is true (the old probe passed it).
set -eu
printf 'RESTIC_REPOSITORY=/srv/backup\n30 1 * * * root restic backup --quiet /srv/ehr\n' > /etc/cron.d/ehr-backup
systemctl is-active --quiet cron.service
