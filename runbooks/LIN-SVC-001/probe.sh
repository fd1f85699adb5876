# Compliant when systemd reports no failed units.
[ -d /run/systemd/system ] || { echo "systemd is not running on this host"; exit 77; }
failed=$(systemctl list-units --failed --no-legend --plain 2>&1) || { echo "$failed" >&2; exit 2; }
if [ -n "$failed" ]; then
  echo "failed units:"
  echo "$failed"
  exit 1
fi
echo "no failed units"
