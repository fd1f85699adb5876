# Compliant when a backup job demonstrably succeeded within
# backup_max_age_h hours and is still scheduled:
#  - a systemd timer whose name matches backup_timer_patterns, active and
#    enabled (or started by another unit), whose service's last finished run
#    succeeded no longer than backup_max_age_h ago. The evidence is what
#    systemd itself (PID 1) wrote to the journal — "Deactivated
#    successfully" (MESSAGE_ID 7ad2d189…) and "Failed with result"
#    (d9b373ed…), which survive a reboot when the journal is persistent —
#    else the unit's state since boot (Result=success and its main process
#    exited with status 0 — ExecMainStatus survives `systemctl
#    reset-failed`, Result does not — and when). A timer whose service
#    never ran, failed last, or last succeeded too long ago is not enough;
#    or
#  - a cron job (/etc/crontab, /etc/cron.d, /etc/cron.{hourly,daily,
#    weekly,monthly}, users' crontabs) that runs one of backup_commands,
#    with cron running — only when backup_accept_cron_schedule is true:
#    cron records neither the exit status nor the end of a job, so the age
#    of its last successful run cannot be proven; the message says so.
# No automatic fix (L3): what to back up, where to, and the keys are
# decisions for a person; the contingency plan names the backup job. A
# host backed up from outside (e.g. a hypervisor snapshot or a pull from a
# backup server) shows nothing here: waive it in the suite with the reason.
patterns=${COMPLY_INPUT_BACKUP_TIMER_PATTERNS:-}
commands=${COMPLY_INPUT_BACKUP_COMMANDS:-}
max_age_h=${COMPLY_INPUT_BACKUP_MAX_AGE_H:-}
accept_cron=${COMPLY_INPUT_BACKUP_ACCEPT_CRON_SCHEDULE:-}
case $max_age_h in '' | *[!0-9]*) echo "input backup_max_age_h must be a whole number of hours, got '$max_age_h'" >&2; exit 2 ;; esac
case $accept_cron in true | false) ;; *) echo "input backup_accept_cron_schedule must be true or false, got '$accept_cron'" >&2; exit 2 ;; esac
now=$(date +%s)
max_age_s=$((max_age_h * 3600))
when() { date -u -d "@$(($1 / 1000000))" '+%Y-%m-%d %H:%M:%S UTC'; }
ago() { echo "$(( (now - $1 / 1000000) / 3600 )) h $(( (now - $1 / 1000000) % 3600 / 60 )) min ago"; }
list() { printf '%s\n' "$1" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g'; }
# times are epoch microseconds: a success and a failure in the same second
# must still be ordered
# the time of the last journal entry systemd (PID 1) wrote about unit $1
# with MESSAGE_ID $2, or nothing
journal_last() {
  journalctl -q --no-pager _PID=1 "UNIT=$1" "MESSAGE_ID=$2" -n 1 -o short-unix 2>/dev/null | sed -n '$s/^\([0-9]\{1,\}\)\.\([0-9]\{6\}\)[[:space:]].*/\1\2/p'
}
# a unit's realtime timestamp property, or nothing
unit_time() {
  t=$(systemctl show --timestamp=unix -p "$2" --value "$1" 2>/dev/null) || t=
  case $t in
    @[0-9]*) echo "${t#@}000000"; return ;;
  esac
  t=$(systemctl show -p "$2" --value "$1" 2>/dev/null)
  [ -n "$t" ] && [ "$t" != n/a ] && t=$(date -d "$t" +%s 2>/dev/null) && echo "${t}000000"
}
found=
found_timer=no
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
      enabled:active | static:active | indirect:active | generated:active | linked:active) ;;
      *)
        problems="$problems
$timer: ${enabled:-unknown}, ${active:-unknown} (not scheduled)"
        continue ;;
    esac
    if [ -z "$service" ]; then
      problems="$problems
$timer: starts no unit"
      continue
    fi
    ok=$(journal_last "$service" 7ad2d189f7e94e70a38c781354912448)
    fail=$(journal_last "$service" d9b373ed55a64feb8242e02dbe79a49c)
    source="the journal"
    if [ -z "$ok$fail" ]; then
      # nothing in the journal (volatile, vacuumed, or a systemd before 248):
      # the unit's own state since boot
      source="the unit's state since boot"
      # (ExecMainStatus survives `systemctl reset-failed`, Result does not)
      result=$(systemctl show -p Result --value "$service" 2>/dev/null)
      code=$(systemctl show -p ExecMainCode --value "$service" 2>/dev/null)
      status=$(systemctl show -p ExecMainStatus --value "$service" 2>/dev/null)
      ran=$(systemctl show -p InactiveExitTimestampMonotonic --value "$service" 2>/dev/null)
      if [ -n "$ran" ] && [ "$ran" != 0 ]; then
        t=$(unit_time "$service" ExecMainExitTimestamp)
        [ -n "$t" ] || t=$(unit_time "$service" InactiveEnterTimestamp)
        if [ "$result" = success ] && [ "$code" = 1 ] && [ "$status" = 0 ]; then ok=$t; else fail=${t:-${now}000000}; fi
      fi
    fi
    if systemctl is-failed --quiet "$service" 2>/dev/null; then
      problems="$problems
$timer: its service $service is in the failed state (last run failed)"
    elif [ -n "$fail" ] && { [ -z "$ok" ] || [ "$fail" -ge "$ok" ]; }; then
      problems="$problems
$timer: the last run of $service failed, $(when "$fail") ($source)${ok:+, its last success $(when "$ok")}"
    elif [ -z "$ok" ]; then
      problems="$problems
$timer is scheduled, but no successful run of $service is on record (in systemd's journal entries or the unit's state since boot): nothing shows a backup was ever made"
    elif [ $((now - ok / 1000000)) -gt "$max_age_s" ]; then
      problems="$problems
$timer: the last successful run of $service ended $(when "$ok"), $(ago "$ok"): older than backup_max_age_h ($max_age_h h)"
    else
      found_timer=yes
      found="$found
$timer: $service last succeeded $(when "$ok"), $(ago "$ok") (from $source, limit $max_age_h h)"
    fi
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
      if [ "$cron" = no ]; then
        problems="$problems
$file runs $command, but cron is not running"
      elif [ "$accept_cron" = true ]; then
        found="$found
$file runs $command from cron (scheduled only, accepted by backup_accept_cron_schedule: nothing shows that or when it last succeeded)"
      else
        problems="$problems
$file runs $command from cron, but cron records no exit status, so no successful run within $max_age_h h can be proven (run it from a systemd timer, or set backup_accept_cron_schedule)"
      fi
    fi
  done
done
if [ -n "$found" ]; then
  if [ "$found_timer" = yes ]; then
    echo "a backup job succeeded within $max_age_h h: $(list "$found") — this shows a job exited successfully, not that the backup is complete, can be restored, or is kept off the host"
  else
    echo "backups are scheduled by cron: $(list "$found") — weak evidence: a schedule, not a recent successful backup that can be restored"
  fi
  [ -z "$problems" ] || echo "also found: $(list "$problems")"
  exit 0
fi
if [ -n "$problems" ]; then
  echo "no backup job shows a successful run within backup_max_age_h ($max_age_h h): $(list "$problems")"
else
  echo "no backup job shows a successful run within backup_max_age_h ($max_age_h h): no active timer matching backup_timer_patterns, no cron job running one of backup_commands"
fi
exit 1
