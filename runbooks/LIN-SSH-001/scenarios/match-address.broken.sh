# fixtures: debian12-systemd
# Root logins are off globally, but a Match block lets root log in with a
# password from 10.0.0.0/8. Plain `sshd -T` ignores Match blocks and reports
# PermitRootLogin no; `sshd -T -C` for such a connection reports yes.
set -eu
# An administrator who logs in with a key: the remediation's lock-out
# guard requires one before it refuses root logins.
useradd -m -U -s /bin/bash -G sudo comply-admin
install -d -m 0700 -o comply-admin -g comply-admin /home/comply-admin/.ssh
ssh-keygen -q -t ed25519 -N '' -C comply-admin -f /tmp/comply-admin-key
install -m 0600 -o comply-admin -g comply-admin /tmp/comply-admin-key.pub /home/comply-admin/.ssh/authorized_keys
printf 'PermitRootLogin no\n' > /etc/ssh/sshd_config.d/10-site.conf
printf 'Match Address 10.0.0.0/8\n    PermitRootLogin yes\n' >> /etc/ssh/sshd_config
systemctl reload sshd
sshd -T | grep -qx 'permitrootlogin no'
sshd -T -C user=root,host=10.1.2.3,addr=10.1.2.3 | grep -qx 'permitrootlogin yes'
