# fixtures: debian12-systemd
# An AIDE baseline (a small one, made from /etc/aide only, to keep the
# scenario fast) and Debian's dailyaidecheck.timer enabled and active.
set -eu
printf 'database_out=file:/var/lib/aide/aide.db\n/etc/aide R\n' > /root/aide-scenario.conf
aide --config=/root/aide-scenario.conf --init >/dev/null
rm -f /root/aide-scenario.conf
systemctl is-enabled --quiet dailyaidecheck.timer
systemctl is-active --quiet dailyaidecheck.timer
