# fixtures: debian12-systemd
# /etc/sysctl.conf switches ASLR off; a hardening drop-in whose name sorts
# after 99-sysctl.conf sets 2, so systemd-sysctl ends with 2 at boot, but
# `sysctl --system` (procps), which reads /etc/sysctl.conf again after
# every drop-in, sets 0 whenever an administrator or a package runs it.
set -eu
printf 'kernel.randomize_va_space = 0\n' >> /etc/sysctl.conf
printf 'kernel.randomize_va_space = 2\n' > /etc/sysctl.d/hardening.conf
[ "$(readlink /etc/sysctl.d/99-sysctl.conf)" = ../sysctl.conf ]
