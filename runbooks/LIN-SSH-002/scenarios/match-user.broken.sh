# fixtures: debian12-systemd
# The bounds hold globally, but a Match block lets the backup accounts' idle
# sessions live for hours. Plain `sshd -T` ignores Match blocks.
set -eu
printf 'ClientAliveInterval 120\nClientAliveCountMax 2\n' > /etc/ssh/sshd_config.d/10-site.conf
printf 'Match User backup*\n    ClientAliveInterval 1h\n    ClientAliveCountMax 10\n' > /etc/ssh/sshd_config.d/60-backup.conf
systemctl reload sshd
sshd -T | grep -qx 'clientaliveinterval 120'
sshd -T -C user=backup,host=192.0.2.9,addr=192.0.2.9 | grep -qx 'clientaliveinterval 3600'
