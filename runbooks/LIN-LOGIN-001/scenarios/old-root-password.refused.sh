# fixtures: debian12-systemd
# root has a password set in 2020 that never expires. `chage -M` would
# expire it at once, and root's console login with it: the remediation
# must refuse, name root, and change nothing (not even login.defs).
set -eu
usermod -p '$y$j9T$comply$notarealhashnotarealhashnotarealhashnot' root
chage -d 2020-01-01 -M 99999 root
[ "$(getent shadow root | cut -d: -f3)" -lt $(($(date +%s) / 86400 - 365)) ]
