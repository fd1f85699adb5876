# fixtures: debian12-systemd, nixos-like
# The service this host must reach is down. With the default (empty)
# reachability_hosts the probe has nothing to check; run the gate with
# `--input reachability_hosts=127.0.0.1:22` to exercise it.
systemctl stop ssh.socket ssh.service 2>/dev/null || true
! systemctl is-active --quiet ssh.service
