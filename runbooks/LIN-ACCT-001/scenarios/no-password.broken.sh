# fixtures: debian12-systemd, nixos-like
# A clinician's account created without a password, then `passwd -d`.
set -eu
useradd -m -s /bin/bash clinician
passwd -d clinician
[ -z "$(getent shadow clinician | cut -d: -f2)" ]
