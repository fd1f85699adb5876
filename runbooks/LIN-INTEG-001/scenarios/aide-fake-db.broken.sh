# fixtures: debian12-systemd
# Something non-empty but not an AIDE database sits where the baseline
# belongs, and the daily check is scheduled (Debian's default).
set -eu
printf 'placeholder\n' > /var/lib/aide/aide.db
systemctl is-active --quiet dailyaidecheck.timer
