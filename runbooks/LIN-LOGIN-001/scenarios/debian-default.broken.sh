# fixtures: debian12-systemd
# Debian's default: PASS_MAX_DAYS 99999, passwords never expire.
grep -Eq '^PASS_MAX_DAYS[[:space:]]+99999$' /etc/login.defs
