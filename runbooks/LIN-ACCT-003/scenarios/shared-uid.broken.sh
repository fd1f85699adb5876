# fixtures: debian12-systemd, nixos-like
# A shared "frontdesk" login created with the same user ID as alice's.
set -eu
useradd -m -s /bin/bash alice
useradd -o -u "$(id -u alice)" -M -s /bin/bash frontdesk
[ "$(id -u frontdesk)" = "$(id -u alice)" ]
