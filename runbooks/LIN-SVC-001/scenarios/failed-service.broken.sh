# fixtures: debian12-systemd, nixos-like
# A long-running service crashed once (its first start fails, later ones
# run), as after a transient error at boot: restarting it is safe. Runtime
# unit directory: writable on NixOS too.
set -eu
mkdir -p /run/systemd/system
cat > /run/systemd/system/comply-flaky.service <<'UNIT'
[Unit]
Description=comply test service that crashes on its first start
[Service]
Type=simple
ExecStart=/bin/sh -c 'if [ -e /run/comply-flaky-ran ]; then exec sleep infinity; fi; touch /run/comply-flaky-ran; exit 1'
UNIT
systemctl daemon-reload
systemctl start comply-flaky.service
i=0
until systemctl is-failed --quiet comply-flaky.service; do
  i=$((i + 1)); [ "$i" -lt 50 ] || exit 1
  sleep 0.1
done
