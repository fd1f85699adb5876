# fixtures: debian12-systemd
# Configured, but the timer that runs it was disabled and stopped.
printf 'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n' > /etc/apt/apt.conf.d/20auto-upgrades
systemctl disable --now apt-daily-upgrade.timer
