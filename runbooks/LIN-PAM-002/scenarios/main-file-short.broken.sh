# fixtures: debian12-systemd
# pwquality.conf says minlen = 10; being read after the drop-ins, it wins
# over any of them.
set -eu
echo 'minlen = 10' >> /etc/security/pwquality.conf
