# fixtures: debian12-systemd
# A site profile makes TMOUT read-only, but at an hour.
set -eu
printf 'umask 027\nreadonly TMOUT=3600; export TMOUT\n' > /etc/profile.d/site-defaults.sh
