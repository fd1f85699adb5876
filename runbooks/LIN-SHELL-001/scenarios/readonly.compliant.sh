# fixtures: debian12-systemd
set -eu
printf 'TMOUT=600\nreadonly TMOUT\nexport TMOUT\n' > /etc/profile.d/autologout.sh
