# fixtures: debian12-systemd
set -eu
sed -i 's/^CRON_CHECK=.*/CRON_CHECK=daily/' /etc/default/debsums
systemctl is-active --quiet cron.service
