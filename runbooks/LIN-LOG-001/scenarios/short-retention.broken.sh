# fixtures: debian12-systemd, nixos-like
# A drop-in deletes journal entries after a week.
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nMaxRetentionSec=7day\n' > /etc/systemd/journald.conf.d/50-retention.conf
systemctl restart systemd-journald
