# Debian/Ubuntu: install auditd when missing, then enable and start it
# (auditd switches the kernel's auditing on when it starts).
set -eu
PATH=$PATH:/usr/sbin:/sbin
if ! command -v auditd >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q auditd
fi
systemctl enable --now auditd.service
