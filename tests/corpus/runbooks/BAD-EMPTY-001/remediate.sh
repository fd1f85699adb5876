# TODO: enable unattended-upgrades
