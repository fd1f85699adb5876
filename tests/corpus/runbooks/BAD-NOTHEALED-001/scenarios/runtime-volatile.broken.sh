# fixtures: debian12-vm
# A runtime drop-in (gone at the next boot) keeps the journal in memory.
mkdir -p /run/systemd/journald.conf.d
printf '[Journal]\nStorage=volatile\n' > /run/systemd/journald.conf.d/50-volatile.conf
systemctl restart systemd-journald
