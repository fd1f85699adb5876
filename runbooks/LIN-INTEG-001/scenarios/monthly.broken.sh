# fixtures: debian12-systemd
# debsums runs only monthly.
set -eu
sed -i 's/^CRON_CHECK=.*/CRON_CHECK=monthly/' /etc/default/debsums
