# Install unattended-upgrades when missing, switch it on with an apt.conf.d
# drop-in that sorts after Debian's 20auto-upgrades, and enable the apt
# timers now and at boot.
set -eu
if [ "$(dpkg-query -W -f='${Status}' unattended-upgrades 2>/dev/null)" != "install ok installed" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q unattended-upgrades
fi
cat > /etc/apt/apt.conf.d/99comply-auto-upgrades <<'CONF'
// Written by comply LIN-PATCH-001 (45 CFR 164.308(a)(5)(ii)(B)).
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
CONF
systemctl enable --now apt-daily.timer apt-daily-upgrade.timer
