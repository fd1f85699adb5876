# fixtures: debian12-systemd
# Debian's default: debsums installed with CRON_CHECK=never, and AIDE
# installed without a baseline database.
grep -qx 'CRON_CHECK=never' /etc/default/debsums
