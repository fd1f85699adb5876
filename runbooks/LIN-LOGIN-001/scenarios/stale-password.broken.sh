# fixtures: debian12-systemd
# A user whose password dates from 2020 and never expires, next to a
# service account without a usable password (locked, `!`). The remediation
# gives the user a maximum age (expiring the password at once, which it
# must say) and leaves the service account alone.
set -eu
sed -i -E 's/^PASS_MAX_DAYS[[:space:]].*/PASS_MAX_DAYS\t90/' /etc/login.defs
useradd -m -s /bin/bash -p '$y$j9T$comply$notarealhashnotarealhashnotarealhashnot' nurse
chage -d 2020-01-01 -M 99999 nurse
useradd -r -s /usr/sbin/nologin ehrsync
chage -d 2020-01-01 -M 99999 ehrsync
getent shadow ehrsync | grep -q '^ehrsync:!'
