# fixtures: debian12-systemd
# Debian's default MACs include umac-64 and hmac-sha1.
sshd -T | grep -q '^macs .*hmac-sha1'
