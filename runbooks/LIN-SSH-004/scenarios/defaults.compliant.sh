# fixtures: debian12-systemd, nixos-like
# Both distributions default to PermitEmptyPasswords no.
sshd -T | grep -qx 'permitemptypasswords no'
