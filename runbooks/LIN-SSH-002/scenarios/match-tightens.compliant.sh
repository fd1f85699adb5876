# fixtures: debian12-systemd
# The bounds hold, and a Match block only checks remote clients more often.
set -eu
printf 'ClientAliveInterval 300\nClientAliveCountMax 3\n' > /etc/ssh/sshd_config.d/10-site.conf
printf 'Match Address *,!10.0.0.0/8\n    ClientAliveInterval 1m\n' >> /etc/ssh/sshd_config
systemctl reload sshd
sshd -T -C user=nobody,host=192.0.2.9,addr=192.0.2.9 | grep -qx 'clientaliveinterval 60'
