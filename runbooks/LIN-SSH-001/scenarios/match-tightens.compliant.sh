# fixtures: debian12-systemd
# Root logins are off, and a Match block only tightens further.
set -eu
printf 'PermitRootLogin no\n' > /etc/ssh/sshd_config.d/10-site.conf
printf 'Match Address 10.0.0.0/8\n    PermitRootLogin no\n    X11Forwarding no\n' >> /etc/ssh/sshd_config
systemctl reload sshd
sshd -T -C user=root,host=10.1.2.3,addr=10.1.2.3 | grep -qx 'x11forwarding no'
