# fixtures: debian12-systemd
# A debugging drop-in switches ASLR off at the next boot.
set -eu
printf 'kernel.randomize_va_space = 0\n' > /etc/sysctl.d/50-debug.conf
