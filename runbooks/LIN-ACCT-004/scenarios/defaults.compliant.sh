# fixtures: debian12-systemd, nixos-like
# Debian's (and NixOS's) default: root:shadow 0640.
[ "$(stat -c '%a %U %G' /etc/shadow)" = "640 root shadow" ]
