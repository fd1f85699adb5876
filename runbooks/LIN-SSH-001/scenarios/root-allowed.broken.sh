# fixtures: debian12-systemd
# A drop-in lets root log in with a password.
# (Not on debian12-vm: the gate itself logs in there as root.)
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses root logins.
useradd -m -U -s /bin/bash -G sudo comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
printf 'PermitRootLogin yes\n' > /etc/ssh/sshd_config.d/50-root.conf
systemctl reload sshd
sshd -T | grep -qx 'permitrootlogin yes'
