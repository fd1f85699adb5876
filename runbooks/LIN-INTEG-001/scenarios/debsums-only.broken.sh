# fixtures: debian12-systemd
# debsums checks daily with cron running, and AIDE has no baseline: what
# the old probe passed. Weak evidence (MD5 sums from dpkg's own database,
# blind to changed configuration files): broken with integrity_require_aide
# (the default), compliant with it false.
set -eu
sed -i 's/^CRON_CHECK=.*/CRON_CHECK=daily/' /etc/default/debsums
systemctl is-active --quiet cron.service
[ ! -e /var/lib/aide/aide.db ]
