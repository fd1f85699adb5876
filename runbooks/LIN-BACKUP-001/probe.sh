# Compliant when at least one backup is scheduled and not failing:
#  - a systemd timer whose name matches backup_timer_patterns, active and
#    enabled (or started by another unit), whose service is not in the
#    failed state; or
#  - a cron job (/etc/crontab, /etc/cron.d, /etc/cron.{hourly,daily,
#    weekly,monthly}, users' crontabs) that runs one of backup_commands,
#    with cron running.
# No automatic fix (L3): what to back up, where to, and the keys are
# decisions for a person; the contingency plan names the backup job. A
# host backed up from outside (e.g. a hypervisor snapshot or a pull from a
# backup server) shows nothing here: waive it in the suite with the reason.
patterns=${COMPLY_INPUT_BACKUP_TIMER_PATTERNS:-}
commands=${COMPLY_INPUT_BACKUP_COMMANDS:-}
found=
problems=
systemd=no
[ -d /run/systemd/system ] && systemd=yes
if [ "$systemd" = yes ]; then
  timers=$( { systemctl list-units --type=timer --all --plain --no-legend 2>/dev/null
              systemctl list-unit-files --type=timer --no-legend 2>/dev/null; } | awk '{ print $1 }' | sort -u)
  for timer in $timers; do
    match=no
    for pattern in $patterns; do
      # shellcheck disable=SC2254 # the pattern is a glob on purpose
      case $timer in $pattern) match=yes ;; esac
    done
    [ "$match" = yes ] || continue
    enabled=$(systemctl is-enabled "$timer" 2>/dev/null) || true
    active=$(systemctl is-active "$timer" 2>/dev/null) || true
    service=$(systemctl show -p Unit --value "$timer" 2>/dev/null)
    case "$enabled:$active" in
      enabled:active | static:active | indirect:active | generated:active | linked:active)
        if systemctl is-failed --quiet "$service" 2>/dev/null; then
          problems="$problems
$timer: its last run ($service) failed"
        else
          found="$found
$timer runs $service (next: $(systemctl show -p NextElapseUSecRealtime --value "$timer" 2>/dev/null))"
        fi ;;
      *) problems="$problems
$timer: ${enabled:-unknown}, ${active:-unknown} (not scheduled)" ;;
    esac
  done
fi
cron=no
if [ "$systemd" = yes ]; then
  for unit in cron.service cronie.service crond.service; do
    systemctl is-active --quiet "$unit" 2>/dev/null && cron=yes
  done
elif pgrep -x cron >/dev/null 2>&1 || pgrep -x crond >/dev/null 2>&1; then
  cron=yes
fi
for file in /etc/crontab /etc/cron.d/* /etc/cron.hourly/* /etc/cron.daily/* /etc/cron.weekly/* /etc/cron.monthly/* /var/spool/cron/crontabs/* /var/spool/cron/*; do
  [ -f "$file" ] || continue
  for command in $commands; do
    if grep -v '^[[:space:]]*#' "$file" 2>/dev/null | grep -Eq "(^|[^[:alnum:]_.-])$command([^[:alnum:]_.-]|\$)"; then
      if [ "$cron" = yes ]; then
        found="$found
$file runs $command"
      else
        problems="$problems
$file runs $command, but cron is not running"
      fi
    fi
  done
done
if [ -n "$found" ]; then
  echo "backups are scheduled: $(printf '%s\n' "$found" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g') — weak evidence: a schedule whose last run did not fail, not a recent backup that can be restored"
  [ -z "$problems" ] || printf 'also found: %s\n' "$(printf '%s\n' "$problems" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g')"
  exit 0
fi
echo "no scheduled backup found (no active timer matching backup_timer_patterns, no cron job running one of backup_commands)${problems:+: $(printf '%s\n' "$problems" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g')}"
exit 1
