# fixtures: debian12-vm
# Debian enables and starts auditd when it is installed.
set -eu
systemctl is-active --quiet auditd.service
auditctl -s | grep -Eq '^enabled [12]$'
