# Compliant when a checker verifies the installed files against a trusted
# record at least as often as integrity_check_interval:
#  - AIDE with a baseline database (a real one: it starts "@@begin_db") and
#    its daily check scheduled (dailyaidecheck.timer enabled and active with
#    its service not masked, or, without systemd, its cron.daily job with
#    cron running) and not switched off (CRON_DAILY_RUN in
#    /etc/default/aide), whose last run, if it ran since the baseline was
#    made, did not fail; or, only when integrity_require_aide is false,
#  - debsums (the package checksums) with CRON_CHECK in /etc/default/debsums
#    at that frequency or more often, and cron enabled and running. That is
#    weak evidence: debsums compares package files with MD5 sums from dpkg's
#    own database, which root can rewrite, and skips changed configuration
#    files; the message says so.
interval=${COMPLY_INPUT_INTEGRITY_CHECK_INTERVAL:-}
require_aide=${COMPLY_INPUT_INTEGRITY_REQUIRE_AIDE:-}
rank() { case $1 in daily) echo 1 ;; weekly) echo 2 ;; monthly) echo 3 ;; *) echo 9 ;; esac; }
[ "$(rank "$interval")" != 9 ] || { echo "input integrity_check_interval must be daily, weekly or monthly, got '$interval'" >&2; exit 2; }
case $require_aide in true | false) ;; *) echo "input integrity_require_aide must be true or false, got '$require_aide'" >&2; exit 2 ;; esac
systemd=no
[ -d /run/systemd/system ] && systemd=yes
cron_running() {
  if [ "$systemd" = yes ]; then
    for unit in cron.service cronie.service crond.service; do
      systemctl is-enabled --quiet "$unit" 2>/dev/null && systemctl is-active --quiet "$unit" && return 0
    done
    return 1
  fi
  pgrep -x cron >/dev/null 2>&1 || pgrep -x crond >/dev/null 2>&1
}
list() { printf '%s\n' "$1" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g'; }
notes=
if command -v aide >/dev/null 2>&1; then
  conf=/etc/aide/aide.conf
  db=$(sed -n 's/^[[:space:]]*database_in[[:space:]]*=[[:space:]]*file://p' "$conf" 2>/dev/null | tail -n 1)
  db=${db:-/var/lib/aide/aide.db}
  log=/var/log/aide/aide.log
  daily_run=$(sed -n "s/^[[:space:]]*CRON_DAILY_RUN=[\"']\{0,1\}\([A-Za-z]*\).*/\1/p" /etc/default/aide 2>/dev/null | tail -n 1)
  if [ ! -s "$db" ]; then
    notes="$notes
AIDE is installed but has no baseline database ($db): nothing to compare with (run aideinit)"
  elif [ "$(zcat -f "$db" 2>/dev/null | head -n 1)" != "@@begin_db" ]; then
    notes="$notes
AIDE's baseline $db is not an AIDE database (it does not start with @@begin_db)"
  elif [ "$systemd" = yes ] && ! { systemctl is-enabled --quiet dailyaidecheck.timer 2>/dev/null && systemctl is-active --quiet dailyaidecheck.timer; }; then
    notes="$notes
AIDE has a baseline ($db) but its daily check is not scheduled (dailyaidecheck.timer is $(systemctl is-enabled dailyaidecheck.timer 2>/dev/null || echo not enabled), $(systemctl is-active dailyaidecheck.timer 2>/dev/null || echo not active))"
  elif [ "$systemd" = yes ] && [ "$(systemctl show -p LoadState --value dailyaidecheck.service 2>/dev/null)" != loaded ]; then
    notes="$notes
AIDE has a baseline ($db) and dailyaidecheck.timer, but dailyaidecheck.service is $(systemctl show -p LoadState --value dailyaidecheck.service 2>/dev/null || echo missing): the timer starts nothing"
  elif [ -n "$daily_run" ] && [ "$daily_run" != yes ]; then
    notes="$notes
AIDE has a baseline ($db) but its daily check is switched off (CRON_DAILY_RUN=$daily_run in /etc/default/aide: it exits at once)"
  elif [ "$systemd" = no ] && ! { [ -x /etc/cron.daily/aide ] && cron_running; }; then
    notes="$notes
AIDE has a baseline ($db) but its daily check is not scheduled (/etc/cron.daily/aide executable, cron running)"
  else
    failed=
    if [ -f "$log" ] && [ -n "$(find "$log" -newer "$db" 2>/dev/null)" ]; then
      code=$(sed -n 's/.*AIDE returned with exit code \([0-9]*\)\..*/\1/p' "$log" | tail -n 1)
      if [ -n "$code" ] && [ "$code" -ge 8 ]; then
        failed="its last check failed ($log: AIDE returned with exit code $code)"
      elif grep -q 'aborted prematurely\|database not present' "$log"; then
        failed="its last check did not run to the end ($log: $(grep -m 1 'aborted prematurely\|database not present' "$log" | sed 's/^[*[:space:]]*//; s/[*[:space:]]*$//'))"
      fi
    fi
    if [ -n "$failed" ]; then
      notes="$notes
AIDE has a baseline ($db) and a scheduled daily check, but $failed"
    else
      echo "AIDE checks the files daily against its baseline $db, made $(date -u -r "$db" '+%Y-%m-%d %H:%M UTC') (trusted as found: keep a copy of the baseline off the host)"
      exit 0
    fi
  fi
else
  notes="$notes
AIDE is not installed"
fi
if [ -x /usr/bin/debsums ]; then
  check=$(sed -n "s/^[[:space:]]*CRON_CHECK=[\"']\{0,1\}\([a-z]*\).*/\1/p" /etc/default/debsums 2>/dev/null | tail -n 1)
  check=${check:-never}
  if [ "$(rank "$check")" -gt "$(rank "$interval")" ]; then
    notes="$notes
debsums runs $check (CRON_CHECK in /etc/default/debsums), less often than $interval"
  elif [ ! -x "/etc/cron.$check/debsums" ]; then
    notes="$notes
debsums: CRON_CHECK=$check but /etc/cron.$check/debsums is missing"
  elif ! cron_running; then
    notes="$notes
debsums is set to run $check, but cron is not enabled and running"
  elif [ "$require_aide" = true ]; then
    notes="$notes
debsums verifies the installed packages' files $check, but that is weak evidence and integrity_require_aide is set: it compares them with MD5 sums from dpkg's own database, which root can rewrite, and skips changed configuration files"
  else
    echo "debsums verifies the installed packages' files $check (required: $interval) — weak evidence: it compares them with MD5 sums from dpkg's own database, which root can rewrite, and skips changed configuration files; an AIDE baseline checked daily is stronger (integrity_require_aide)"
    [ -z "$notes" ] || echo "also found: $(list "$notes")"
    exit 0
  fi
else
  notes="$notes
debsums is not installed"
fi
if [ "$require_aide" = true ]; then
  echo "no AIDE baseline with a working daily check (required by integrity_require_aide): $(list "$notes")"
else
  echo "no integrity check of the installed files runs at least $interval: $(list "$notes")"
fi
exit 1
