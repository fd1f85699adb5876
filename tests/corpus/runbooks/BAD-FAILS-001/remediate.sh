systemctl start no-such-firewall.service
