# fixtures: debian12-systemd, debian12-vm
echo "PasswordAuthentication yes" > /etc/ssh/sshd_config.d/40-password.conf
