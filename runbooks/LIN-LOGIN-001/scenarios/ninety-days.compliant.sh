# fixtures: debian12-systemd
set -eu
sed -i -E 's/^PASS_MAX_DAYS[[:space:]].*/PASS_MAX_DAYS\t90/' /etc/login.defs
grep -Eq '^PASS_MAX_DAYS[[:space:]]+90$' /etc/login.defs
