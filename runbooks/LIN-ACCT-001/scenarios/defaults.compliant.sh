# fixtures: debian12-systemd, nixos-like
# Fresh systems: every account has "x" in /etc/passwd and a locked or real
# password in /etc/shadow.
! awk -F: '$2 == "" { found = 1 } END { exit !found }' /etc/shadow /etc/passwd
