# fixtures: debian12-systemd
# unattended-upgrades installed but switched off, as Debian leaves it when
# the installer's question is answered "No".
cp /usr/share/unattended-upgrades/20auto-upgrades-disabled /etc/apt/apt.conf.d/20auto-upgrades
rm -f /etc/apt/apt.conf.d/99comply-auto-upgrades
