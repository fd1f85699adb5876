# fixtures: debian12-systemd, nixos-like
# Both distributions' default ciphers are all approved.
sshd -T | grep -q '^ciphers chacha20-poly1305@openssh.com,'
