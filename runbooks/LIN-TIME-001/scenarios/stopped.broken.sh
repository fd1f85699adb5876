# fixtures: debian12-systemd, nixos-like
# Enabled at boot, but stopped by hand: the clock drifts until the reboot.
set -eu
systemctl stop systemd-timesyncd
! systemctl is-active --quiet systemd-timesyncd
