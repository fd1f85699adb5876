# fixtures: debian12-systemd
# `timedatectl set-ntp false`: systemd-timesyncd disabled and stopped.
set -eu
timedatectl set-ntp false
! systemctl is-active --quiet systemd-timesyncd
