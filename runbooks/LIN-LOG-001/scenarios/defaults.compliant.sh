# fixtures: debian12-systemd, nixos-like
# The fixtures' defaults keep the journal on disk with no time limit
# (Debian 12 creates /var/log/journal; NixOS sets Storage=persistent).
test -d /var/log/journal
