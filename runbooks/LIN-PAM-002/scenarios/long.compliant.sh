# fixtures: debian12-systemd
set -eu
mkdir -p /etc/security/pwquality.conf.d
echo 'minlen = 16' > /etc/security/pwquality.conf.d/50-site.conf
