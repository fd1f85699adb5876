# fixtures: debian12-systemd
# A drop-in checks idle clients only once an hour and tolerates ten misses.
set -eu
printf 'ClientAliveInterval 3600\nClientAliveCountMax 10\n' > /etc/ssh/sshd_config.d/50-keepalive.conf
systemctl reload sshd
sshd -T | grep -qx 'clientaliveinterval 3600'
