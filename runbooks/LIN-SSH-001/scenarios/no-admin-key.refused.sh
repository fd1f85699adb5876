# fixtures: debian12-systemd, nixos-like
# Root may log in (the distribution's default), and the only administrator
# has no key: refusing root logins could lock every administrator out, so
# the remediation must refuse and change nothing.
set -eu
admins=sudo
[ ! -e /etc/NIXOS ] || { groupadd -f wheel; admins=wheel; }
useradd -m -U -s /bin/bash -G "$admins" comply-admin
sshd -T | grep -qx 'permitrootlogin without-password'
