# fixtures: debian12-systemd
# An AIDE baseline and an enabled, active dailyaidecheck.timer, but the
# service it starts is masked: the timer fires and nothing checks.
set -eu
printf 'database_out=file:/var/lib/aide/aide.db\n/etc/aide R\n' > /root/aide-scenario.conf
aide --config=/root/aide-scenario.conf --init >/dev/null
rm -f /root/aide-scenario.conf
systemctl mask dailyaidecheck.service
systemctl is-active --quiet dailyaidecheck.timer
