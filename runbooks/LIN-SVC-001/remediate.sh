# Clear each failed unit's state and start it again.
set -u
status=0
for unit in $(systemctl list-units --failed --no-legend --plain | awk '{print $1}'); do
  echo "restarting $unit"
  systemctl reset-failed "$unit"
  systemctl restart "$unit" || status=1
done
exit "$status"
