# fixtures: debian12-systemd
# login.defs was fixed, but an account created before keeps a password that
# never expires.
set -eu
sed -i -E 's/^PASS_MAX_DAYS[[:space:]].*/PASS_MAX_DAYS\t90/' /etc/login.defs
useradd -m -s /bin/bash -p '$y$j9T$comply$notarealhashnotarealhashnotarealhashnot' nurse
chage -M 99999 nurse
[ "$(getent shadow nurse | cut -d: -f5)" = 99999 ]
