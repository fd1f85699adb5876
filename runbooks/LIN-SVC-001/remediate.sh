# Restart only what is safe to restart unattended: a failed long-running
# service (a .service whose Type is not oneshot, not started by a timer,
# socket or path unit, and not matching svc_restart_denylist) gets
# `reset-failed` and a restart. Everything else is a person's: a oneshot
# job rerun blindly repeats its side effects (an upgrade, a backup, a
# migration), and its failed state is the evidence other checks read
# (LIN-BACKUP-001 looks for failed backup services). Those units are named
# and left exactly as they are, and the remediation exits non-zero.
set -u
denylist=${COMPLY_INPUT_SVC_RESTART_DENYLIST:-}
failed=$(systemctl list-units --failed --no-legend --plain 2>&1) || { echo "cannot list failed units: $failed" >&2; exit 2; }
restart=
person=
for unit in $(printf '%s\n' "$failed" | awk 'NF { print $1 }'); do
  reason=
  for pattern in $denylist; do
    # shellcheck disable=SC2254 # the pattern is a glob on purpose
    case $unit in $pattern) reason="matches svc_restart_denylist ($pattern)"; break ;; esac
  done
  if [ -z "$reason" ]; then
    case $unit in
      *.service)
        type=$(systemctl show -p Type --value "$unit" 2>/dev/null)
        triggered=$(systemctl show -p TriggeredBy --value "$unit" 2>/dev/null)
        if [ -z "$type" ]; then
          reason="its Type cannot be read"
        elif [ "$type" = oneshot ]; then
          reason="Type=oneshot: a job, rerunning it repeats its side effects"
        elif [ -n "$triggered" ]; then
          reason="started by $triggered: a job, not a long-running service"
        fi ;;
      *) reason="not a service (${unit##*.} unit)" ;;
    esac
  fi
  if [ -n "$reason" ]; then
    person="$person
  $unit: $reason"
  else
    restart="$restart $unit"
  fi
done
status=0
for unit in $restart; do
  echo "restarting $unit (a long-running service)"
  systemctl reset-failed "$unit"
  systemctl restart "$unit" || { echo "$unit did not restart: see journalctl -u $unit" >&2; status=1; }
done
if [ -n "$person" ]; then
  echo "left failed for a person to look at (not restarted, state kept; see systemctl status and journalctl -u for each):$person" >&2
  status=1
fi
exit "$status"
