# fixtures: debian12-systemd
# TMOUT is set, but not read-only: any user can `unset TMOUT`.
set -eu
printf 'TMOUT=600\nexport TMOUT\n' > /etc/profile.d/autologout.sh
