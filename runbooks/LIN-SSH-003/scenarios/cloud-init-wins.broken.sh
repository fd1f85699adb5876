# fixtures: debian12-systemd
# sshd_config says PasswordAuthentication no, but cloud-init's drop-in is
# read first and wins: grepping sshd_config would call this compliant.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses passwords.
useradd -m -U -s /bin/bash -G sudo comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
sed -i 's/^#PasswordAuthentication yes/PasswordAuthentication no/' /etc/ssh/sshd_config
grep -qx 'PasswordAuthentication no' /etc/ssh/sshd_config
printf 'PasswordAuthentication yes\n' > /etc/ssh/sshd_config.d/50-cloud-init.conf
systemctl reload sshd
sshd -T | grep -qx 'passwordauthentication yes'
