# fixtures: debian12-systemd, nixos-like
# A backup script left /etc/shadow readable by everyone.
set -eu
chmod 0644 /etc/shadow
[ "$(stat -c %a /etc/shadow)" = 644 ]
