# fixtures: debian12-systemd
# A drop-in lets root log in with a password.
# (Not on debian12-vm: the gate itself logs in there as root.)
set -eu
printf 'PermitRootLogin yes\n' > /etc/ssh/sshd_config.d/50-root.conf
systemctl reload sshd
sshd -T | grep -qx 'permitrootlogin yes'
