# fixtures: debian12-systemd, nixos-like
# systemd-timesyncd is enabled and running on a fresh system.
systemctl is-active --quiet systemd-timesyncd
