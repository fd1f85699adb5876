# Compliant when a time-synchronisation service (systemd-timesyncd, chrony,
# ntpsec/ntp or OpenNTPD) is enabled at boot and running, so the timestamps
# of log and audit records from different systems can be put in order. With
# time_require_synchronized = true the kernel must also report the clock
# synchronised (timedatectl NTPSynchronized=yes).
[ -d /run/systemd/system ] || { echo "systemd is not running on this host: its time-synchronisation service cannot be checked"; exit 77; }
require=${COMPLY_INPUT_TIME_REQUIRE_SYNCHRONIZED:-}
case "$require" in
  true | false) ;;
  *) echo "input time_require_synchronized must be true or false, got '$require'" >&2; exit 2 ;;
esac
running=
found=
for unit in systemd-timesyncd.service chrony.service chronyd.service ntpsec.service ntp.service ntpd.service openntpd.service; do
  case $(systemctl show -p LoadState --value "$unit" 2>/dev/null) in
    loaded | masked) ;;
    *) continue ;;
  esac
  enabled=$(systemctl is-enabled "$unit" 2>/dev/null) || true
  active=$(systemctl is-active "$unit" 2>/dev/null) || true
  found="$found
$unit: ${enabled:-unknown}, ${active:-unknown}"
  case "$enabled:$active" in
    enabled:active | static:active | alias:active) running=$unit; break ;;
  esac
done
if [ -z "$found" ]; then
  echo "no time-synchronisation service is installed (systemd-timesyncd, chrony, ntpsec, ntp, openntpd)"
  exit 1
fi
if [ -z "$running" ]; then
  echo "no time-synchronisation service is both enabled at boot and running: $(printf '%s\n' "$found" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g')"
  exit 1
fi
if [ "$require" = true ]; then
  # The kernel's view, whichever daemon disciplines the clock (this starts
  # systemd-timedated through D-Bus, so it is only asked when required).
  synced=$(timedatectl show -p NTPSynchronized --value 2>/dev/null) || synced=unknown
  if [ "$synced" != yes ]; then
    echo "$running is enabled and running, but the clock is not synchronised (NTPSynchronized=${synced:-unknown})"
    exit 1
  fi
  echo "$running is enabled and running, and the clock is synchronised"
  exit 0
fi
# Not required, but a service that has never set the clock is weak
# evidence: it may reach no time server at all. Say so, from what each
# daemon records without starting anything (timesyncd: the flag file it
# creates at its first synchronisation since boot; chrony: a reference of
# 00000000 until it has synchronised once).
case $running in
  systemd-timesyncd.service)
    if [ -e /run/systemd/timesync/synchronized ]; then
      synced=yes
    else
      synced=no
      why="no /run/systemd/timesync/synchronized: it has not synchronised since boot"
    fi ;;
  chrony.service | chronyd.service)
    ref=$(chronyc -n tracking 2>/dev/null | sed -n 's/^Reference ID[[:space:]]*:[[:space:]]*//p')
    case $ref in
      '') synced=unknown ;;
      00000000*) synced=no; why="chronyc tracking: Reference ID $ref: it has never synchronised" ;;
      *) synced=yes ;;
    esac ;;
  *) synced=unknown ;;
esac
case $synced in
  yes) echo "$running is enabled and running (synchronised)" ;;
  no) echo "$running is enabled and running, but has not synchronised the clock yet ($why): weak evidence, it may reach no time server; synchronisation is not required (time_require_synchronized = false)" ;;
  *) echo "$running is enabled and running (synchronisation not checked for it, not required)" ;;
esac
