# fixtures: debian12-vm
# The VM as built: unattended-upgrades installed but switched off.
apt-config dump | grep -qx 'APT::Periodic::Unattended-Upgrade "0";'
