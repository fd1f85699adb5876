# fixtures: debian12-systemd, debian12-vm
# /etc/sysctl.conf switches ASLR off. systemd-sysctl reads it through
# Debian's link /etc/sysctl.d/99-sysctl.conf; `sysctl --system` reads it
# once more after every drop-in, so a drop-in that sorts later (the old
# remediation's zz-…) wins at boot but not there.
set -eu
printf 'kernel.randomize_va_space = 0\n' >> /etc/sysctl.conf
[ "$(readlink /etc/sysctl.d/99-sysctl.conf)" = ../sysctl.conf ]
