# fixtures: debian12-systemd, nixos-like
[ -z "$(cut -d: -f3 /etc/passwd | sort | uniq -d)" ]
