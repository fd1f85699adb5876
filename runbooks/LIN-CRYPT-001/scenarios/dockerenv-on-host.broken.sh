# fixtures: debian12-vm
# A real machine (the VM's plain ext4 root on /dev/vda) with a stray
# /.dockerenv, e.g. left by an image copied from a container build.
# systemd-detect-virt --container falls back to that file and answers
# "docker"; the kernel says otherwise (kthreadd is PID 2, the root is not
# an overlay), so the probe must not call the host a container.
set -eu
touch /.dockerenv
[ "$(systemd-detect-virt --container || true)" = docker ]
