# fixtures: debian12-systemd, nixos-like
# A drop-in switched the journal to memory: logs vanish at every reboot.
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nStorage=volatile\n' > /etc/systemd/journald.conf.d/50-volatile.conf
systemctl restart systemd-journald
