# fixtures: debian12-systemd
# Debian's default: ClientAliveInterval 0, idle clients are never checked.
sshd -T | grep -qx 'clientaliveinterval 0'
