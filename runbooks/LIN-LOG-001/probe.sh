# Compliant when journald keeps the journal on disk (Storage=, journald.conf
# and its drop-ins, the last assignment winning) for log_retention_days:
#  - MaxRetentionSec, if set, is at least that long; and
#  - its size limits (SystemMaxUse, SystemKeepFree, or journald's defaults)
#    do not delete entries sooner. Evidence, from the journal itself: its
#    oldest entry already that old passes; a journal at its size limit with
#    younger entries fails (size decides retention); otherwise its growth
#    rate so far (disk usage over the age of its oldest entry, once it has
#    a day of history) projects how long the limit holds. A journal younger
#    than a day cannot be measured: the configuration alone decides, and the
#    message says so.
[ -d /run/systemd/system ] || { echo "systemd is not running on this host"; exit 77; }
days=${COMPLY_INPUT_LOG_RETENTION_DAYS:-}
case "$days" in
  '' | *[!0-9]* | 0) echo "input log_retention_days must be a whole number of days of at least 1, got '$days'" >&2; exit 2 ;;
esac
journal_facts
status=0
case "${storage:-auto}" in
  persistent) ;;
  auto) [ -d /var/log/journal ] || { echo "Storage=auto but /var/log/journal does not exist: the journal is kept in memory only"; status=1; } ;;
  *) echo "Storage=$storage: the journal is not kept on disk"; status=1 ;;
esac
if [ "$retention_s" -gt 0 ] && [ "$retention_s" -lt $((days * 86400)) ]; then
  echo "MaxRetentionSec=$retention deletes entries before $days days"
  status=1
fi
case $verdict in
  full | short) echo "size limits delete entries before $days days: $evidence"; status=1 ;;
esac
[ "$status" = 0 ] || exit 1
case $verdict in
  reaches | enough) echo "journal on disk (Storage=${storage:-auto}), MaxRetentionSec=${retention:-unset}; $evidence: at least $days days" ;;
  *) echo "journal on disk (Storage=${storage:-auto}), MaxRetentionSec=${retention:-unset}: no time limit under $days days; $evidence, so only the configuration was judged" ;;
esac
exit "$status"
