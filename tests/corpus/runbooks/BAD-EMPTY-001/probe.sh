# Debian/Ubuntu: unattended-upgrades installed and enabled in APT::Periodic,
# and apt-daily-upgrade.timer enabled and active.
[ -d /run/systemd/system ] || { echo "systemd is not running: apt-daily-upgrade.timer cannot run"; exit 77; }
status=0
if [ "$(dpkg-query -W -f='${Status}' unattended-upgrades 2>/dev/null)" != "install ok installed" ]; then
  echo "unattended-upgrades is not installed"
  status=1
fi
periodic=$(apt-config dump APT::Periodic::Unattended-Upgrade 2>/dev/null)
case "$periodic" in
  *'"1"'*) ;;
  *) echo "APT::Periodic::Unattended-Upgrade is not \"1\" (${periodic:-unset})"; status=1 ;;
esac
for timer in apt-daily.timer apt-daily-upgrade.timer; do
  systemctl is-enabled --quiet "$timer" || { echo "$timer is not enabled"; status=1; }
  systemctl is-active --quiet "$timer" || { echo "$timer is not active"; status=1; }
done
[ "$status" = 0 ] && echo "automatic security updates are enabled"
exit "$status"
