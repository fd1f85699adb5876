# fixtures: debian12-systemd, nixos-like, debian12-vm
# Fresh systems set kernel.randomize_va_space nowhere: the kernel's default
# applies, but nothing keeps a later change from lowering it.
! systemd-analyze cat-config sysctl.d | grep -Eq '^[[:space:]]*-?kernel[./]randomize_va_space'
