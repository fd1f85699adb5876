# fixtures: debian12-systemd, nixos-like
# The journal is on disk with no time limit, but a drop-in caps it at 1M
# and reserves all but 2M of the free space for other uses (SystemKeepFree,
# a nearly full disk): after a burst of logging journald has deleted all
# but the last seconds. Keeping log_retention_days at that rate needs far
# more than the disk has, so the remediation must refuse, say why, and
# change nothing.
set -eu
avail_k=$(df -Pk /var/log/journal | awk 'NR == 2 { print $4 }')
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nSystemMaxUse=1M\nSystemKeepFree=%sK\n' "$((avail_k - 2048))" > /etc/systemd/journald.conf.d/50-size.conf
systemctl restart systemd-journald
i=0
while [ "$i" -lt 3000 ]; do
  logger -t comply-fill "record $i: $(printf '%0400d' "$i")"
  i=$((i + 1))
done
journalctl --rotate
