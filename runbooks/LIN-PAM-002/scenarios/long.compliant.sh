# fixtures: debian12-systemd
set -eu
mkdir -p /etc/security/pwquality.conf.d
printf 'minlen = 16\nenforce_for_root\n' > /etc/security/pwquality.conf.d/50-site.conf
