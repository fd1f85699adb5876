# fixtures: debian12-systemd, nixos-like
# A kiosk account whose /etc/passwd entry has an empty password field
# instead of "x": the shadow entry is never consulted.
set -eu
useradd -s /bin/bash kiosk
sed -i 's/^kiosk:x:/kiosk::/' /etc/passwd
grep -q '^kiosk::' /etc/passwd
