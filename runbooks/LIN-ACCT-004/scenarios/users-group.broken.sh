# fixtures: debian12-systemd, nixos-like
# /etc/shadow handed to the "users" group (mode 0640 still).
set -eu
chgrp users /etc/shadow
[ "$(stat -c '%a %G' /etc/shadow)" = "640 users" ]
