# fixtures: debian12-systemd
# auditd disabled and stopped. In the container fixtures the kernel's audit
# trail is the host's: the probe must say not-applicable there, never pass.
set -eu
systemctl disable --now auditd.service
! systemctl is-enabled --quiet auditd.service
