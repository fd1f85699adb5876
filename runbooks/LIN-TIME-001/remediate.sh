# Debian/Ubuntu: enable and start the time-synchronisation service that is
# installed (chrony, ntpsec, ntp or OpenNTPD if the administrator chose one,
# else systemd-timesyncd, installed when missing), unmasking it if needed.
set -eu
unit=
for candidate in chrony.service ntpsec.service ntp.service openntpd.service systemd-timesyncd.service; do
  case $(systemctl show -p LoadState --value "$candidate") in
    loaded | masked) unit=$candidate; break ;;
  esac
done
if [ -z "$unit" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q systemd-timesyncd
  unit=systemd-timesyncd.service
fi
if [ "$(systemctl show -p LoadState --value "$unit")" = masked ]; then
  systemctl unmask "$unit"
fi
systemctl enable --now "$unit"
echo "$unit: $(systemctl is-enabled "$unit"), $(systemctl is-active "$unit")"
