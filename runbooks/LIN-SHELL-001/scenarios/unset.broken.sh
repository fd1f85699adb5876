# fixtures: debian12-systemd
# Debian's default: no TMOUT anywhere.
! grep -qs TMOUT /etc/profile /etc/bash.bashrc /etc/profile.d/*.sh
