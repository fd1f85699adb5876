# fixtures: debian12-systemd
# debsums is set to run weekly, but cron is disabled and stopped.
set -eu
sed -i 's/^CRON_CHECK=.*/CRON_CHECK=weekly/' /etc/default/debsums
systemctl disable --now cron.service
