# fixtures: debian12-systemd
echo "PasswordAuthentication yes" > /etc/ssh/sshd_config.d/40-password.conf
