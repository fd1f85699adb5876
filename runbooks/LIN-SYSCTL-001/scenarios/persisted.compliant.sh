# fixtures: debian12-systemd, debian12-vm
set -eu
printf 'kernel.randomize_va_space = 2\n' > /etc/sysctl.d/60-aslr.conf
