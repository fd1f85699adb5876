# fixtures: debian12-vm
# Enabled at boot, but stopped: nothing is recorded until the next reboot.
set -eu
systemctl stop auditd.service
! systemctl is-active --quiet auditd.service
