# fixtures: debian12-systemd, nixos-like
# A oneshot job (say, a nightly export or an upgrade) failed. Rerunning it
# blindly would repeat its side effects and erase the failed state other
# checks read: the remediation must name it, exit non-zero and change
# nothing. Runtime unit directory: writable on NixOS too.
set -eu
mkdir -p /run/systemd/system
cat > /run/systemd/system/comply-job.service <<'UNIT'
[Unit]
Description=comply test job that fails
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'echo exporting; exit 1'
UNIT
systemctl daemon-reload
systemctl start comply-job.service || true
systemctl is-failed --quiet comply-job.service
