# fixtures: debian12-systemd, nixos-like
# A service that failed once (its first start fails, later ones succeed),
# as after a transient error at boot. Runtime unit directory: writable on
# NixOS too.
set -eu
mkdir -p /run/systemd/system
cat > /run/systemd/system/comply-flaky.service <<'UNIT'
[Unit]
Description=comply test service that fails on its first start
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'if [ -e /run/comply-flaky-ran ]; then exit 0; fi; touch /run/comply-flaky-ran; exit 1'
UNIT
systemctl daemon-reload
systemctl start comply-flaky.service || true
systemctl is-failed --quiet comply-flaky.service
