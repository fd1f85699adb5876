# fixtures: debian12-systemd
# An AIDE baseline exists (a small one, made from /etc/aide only, to keep
# the scenario fast), but its daily check was disabled and stopped.
set -eu
printf 'database_out=file:/var/lib/aide/aide.db\n/etc/aide R\n' > /root/aide-scenario.conf
aide --config=/root/aide-scenario.conf --init >/dev/null
rm -f /root/aide-scenario.conf
systemctl disable --now dailyaidecheck.timer
