# Compliant when a checker verifies the installed files against a trusted
# record at least as often as integrity_check_interval:
#  - AIDE with a baseline database and its daily run scheduled
#    (dailyaidecheck.timer enabled and active, or its cron.daily job with
#    cron running), or
#  - debsums (the package checksums) with CRON_CHECK in /etc/default/debsums
#    at that frequency or more often, and cron enabled and running.
interval=${COMPLY_INPUT_INTEGRITY_CHECK_INTERVAL:-}
rank() { case $1 in daily) echo 1 ;; weekly) echo 2 ;; monthly) echo 3 ;; *) echo 9 ;; esac; }
[ "$(rank "$interval")" != 9 ] || { echo "input integrity_check_interval must be daily, weekly or monthly, got '$interval'" >&2; exit 2; }
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
notes=
if command -v aide >/dev/null 2>&1; then
  db=$(sed -n 's/^[[:space:]]*database_in[[:space:]]*=[[:space:]]*file://p' /etc/aide/aide.conf 2>/dev/null | tail -n 1)
  db=${db:-/var/lib/aide/aide.db}
  if [ ! -s "$db" ]; then
    notes="$notes
AIDE is installed but has no baseline database ($db): nothing to compare with (run aideinit)"
  elif { [ "$systemd" = yes ] && systemctl is-enabled --quiet dailyaidecheck.timer 2>/dev/null && systemctl is-active --quiet dailyaidecheck.timer; } ||
       { [ "$systemd" = no ] && [ -x /etc/cron.daily/aide ] && cron_running; }; then
    echo "AIDE checks the files daily against its database $db (trusted as found: keep a copy of the baseline off the host)"
    exit 0
  else
    notes="$notes
AIDE has a database but its daily check is not scheduled (dailyaidecheck.timer or cron)"
  fi
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
  else
    echo "debsums verifies the installed packages' files $check (required: $interval) — weak evidence: it compares them with MD5 sums from dpkg's own database, which root can rewrite, and skips changed configuration files; an AIDE baseline checked daily is stronger"
    exit 0
  fi
else
  notes="$notes
debsums is not installed"
fi
echo "no integrity check of the installed files runs at least $interval: $(printf '%s\n' "$notes" | sed '/^$/d' | paste -sd';' - | sed 's/;/; /g')"
exit 1
