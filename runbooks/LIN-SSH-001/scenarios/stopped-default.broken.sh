# fixtures: debian12-systemd
# Debian's default (prohibit-password: root logs in with a key) while ssh
# is stopped, so /run/sshd is gone and a plain `sshd -T` fails.
set -eu
systemctl stop ssh
! test -e /run/sshd
