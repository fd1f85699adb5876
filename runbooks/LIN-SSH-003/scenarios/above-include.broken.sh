# fixtures: debian12-systemd
# PasswordAuthentication yes above the Include line of sshd_config: sshd
# keeps the first value, so it wins over every drop-in in sshd_config.d.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses passwords.
useradd -m -U -s /bin/bash -G sudo comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
sed -i '1i PasswordAuthentication yes' /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qx 'passwordauthentication yes'
