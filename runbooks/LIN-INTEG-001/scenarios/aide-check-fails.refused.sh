# fixtures: debian12-systemd
# An AIDE baseline, the daily check scheduled, and its last run failed:
# the check runs as _aide with CAP_DAC_READ_SEARCH, which a container's
# bounding set lacks, so it cannot read the root-only baseline (AIDE exit
# 18) while systemd records the service as successful. The remediation
# must not paper over it (it changes nothing and fails, naming the log).
set -eu
printf 'database_out=file:/var/lib/aide/aide.db\n/etc/aide R\n' > /root/aide-scenario.conf
aide --config=/root/aide-scenario.conf --init >/dev/null
rm -f /root/aide-scenario.conf
chmod 0600 /var/lib/aide/aide.db
sleep 1
systemctl start dailyaidecheck.service
grep -q 'AIDE returned with exit code 1[4-9]' /var/log/aide/aide.log
