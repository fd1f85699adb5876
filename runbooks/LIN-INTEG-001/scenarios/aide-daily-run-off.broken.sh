# fixtures: debian12-systemd
# An AIDE baseline and dailyaidecheck.timer enabled and active, but
# CRON_DAILY_RUN=no in /etc/default/aide: the daily check exits at once,
# successfully, every day.
set -eu
printf 'database_out=file:/var/lib/aide/aide.db\n/etc/aide R\n' > /root/aide-scenario.conf
aide --config=/root/aide-scenario.conf --init >/dev/null
rm -f /root/aide-scenario.conf
printf 'CRON_DAILY_RUN=no\n' >> /etc/default/aide
systemctl is-active --quiet dailyaidecheck.timer
