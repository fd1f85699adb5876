# fixtures: debian12-systemd, nixos-like
# A "toor" back-door account with user ID 0.
set -eu
useradd -o -u 0 -g 0 -M -d /root -s /bin/sh toor
[ "$(id -u toor)" = 0 ]
