# fixtures: debian12-systemd
# An explicit MACs line that lets in HMAC-MD5 after the approved ones.
set -eu
printf 'MACs hmac-sha2-256-etm@openssh.com,hmac-sha2-256,hmac-md5\n' > /etc/ssh/sshd_config.d/50-legacy-client.conf
systemctl reload sshd
sshd -T | grep -q '^macs .*hmac-md5'
