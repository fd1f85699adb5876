# fixtures: debian12-systemd
# sshd_config says PasswordAuthentication no, but cloud-init's drop-in is
# read first and wins: grepping sshd_config would call this compliant.
set -eu
sed -i 's/^#PasswordAuthentication yes/PasswordAuthentication no/' /etc/ssh/sshd_config
grep -qx 'PasswordAuthentication no' /etc/ssh/sshd_config
printf 'PasswordAuthentication yes\n' > /etc/ssh/sshd_config.d/50-cloud-init.conf
systemctl reload sshd
sshd -T | grep -qx 'passwordauthentication yes'
