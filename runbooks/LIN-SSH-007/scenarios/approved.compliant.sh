# fixtures: debian12-systemd
set -eu
printf 'MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com\n' > /etc/ssh/sshd_config.d/10-site.conf
systemctl reload sshd
sshd -T | grep -qx 'macs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com'
