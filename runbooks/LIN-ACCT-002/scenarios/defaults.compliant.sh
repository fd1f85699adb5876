# fixtures: debian12-systemd, nixos-like
[ "$(awk -F: '$3 == 0' /etc/passwd | wc -l)" = 1 ]
