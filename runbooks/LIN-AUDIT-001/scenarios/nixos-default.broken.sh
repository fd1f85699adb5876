# fixtures: nixos-like
# NixOS's default: security.auditd.enable = false. (In this container the
# probe must say not-applicable: the kernel's audit trail is the host's.)
! systemctl is-enabled --quiet auditd.service
