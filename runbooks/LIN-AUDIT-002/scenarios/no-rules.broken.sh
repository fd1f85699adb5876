# fixtures: debian12-systemd, nixos-like, debian12-vm
# Debian's default rules (-D, -b, -f) watch nothing. In the container
# fixtures the kernel's audit rules are the host's: the probe must say
# not-applicable there, never pass.
! grep -rqs -- '-w /etc/shadow' /etc/audit/rules.d/
