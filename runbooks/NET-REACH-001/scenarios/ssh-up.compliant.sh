# fixtures: debian12-systemd, nixos-like
systemctl start ssh.service
systemctl is-active --quiet ssh.service
