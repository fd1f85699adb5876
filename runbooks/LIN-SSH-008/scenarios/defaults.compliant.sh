# fixtures: debian12-systemd, nixos-like
# Both distributions' default key exchange algorithms are all approved.
sshd -T | grep -q '^kexalgorithms sntrup761x25519-sha512'
