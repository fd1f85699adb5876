# lib/journald.sh — journald's retention settings and the journal's own
# evidence (age, size, growth), shared by the probe and remediation of
# LIN-LOG-001. Defines functions only.
#
# Provides: journal_facts and its helpers last, timespan, bytes, human, span.
# Sets: storage, retention (MaxRetentionSec as written), retention_s, maxuse,
# keepfree (effective bytes: configured, else journald's defaults: 10% and
# 15% of the file system, each at most 4G), usage (bytes of
# /var/log/journal), age (seconds since its oldest entry, "" if none), cap
# (bytes journald may use: SystemMaxUse, or less when SystemKeepFree leaves
# less room), filemax, and verdict/evidence: the size limit's effect on retention:
#   reaches  the oldest entry is already at least log_retention_days old
#   full     the journal is at its size limit and younger: size decides
#   short    at the measured growth rate the limit holds less than the days
#   enough   at the measured growth rate the limit holds the days
#   young    under a day of history: growth not measurable, limits unknown
#   none     no journal on disk yet
journal_facts() {
  config=$(systemd-analyze cat-config systemd/journald.conf 2>/dev/null) \
    || config=$(cat /etc/systemd/journald.conf /etc/systemd/journald.conf.d/*.conf 2>/dev/null)
  storage=$(last Storage)
  retention=$(last MaxRetentionSec)
  retention_s=$(timespan "${retention:-0}")
  [ "$retention_s" != '?' ] || { echo "MaxRetentionSec=$retention is not a time span this runbook understands" >&2; exit 2; }
  jdir=/var/log/journal
  [ -d "$jdir" ] && where=$jdir || where=/var/log
  read -r fs_size fs_avail <<DF
$(df -Pk "$where" | awk 'NR == 2 { printf "%.0f %.0f\n", $2 * 1024, $4 * 1024 }')
DF
  maxuse_set=$(last SystemMaxUse) keepfree_set=$(last SystemKeepFree)
  maxuse=$(bytes "$maxuse_set") keepfree=$(bytes "$keepfree_set")
  [ "$maxuse" != '?' ] || { echo "SystemMaxUse=$maxuse_set is not a size this runbook understands" >&2; exit 2; }
  [ "$keepfree" != '?' ] || { echo "SystemKeepFree=$keepfree_set is not a size this runbook understands" >&2; exit 2; }
  four_g=$((4 * 1024 * 1024 * 1024))
  if [ -z "$maxuse" ]; then maxuse=$((fs_size / 10)); [ "$maxuse" -le "$four_g" ] || maxuse=$four_g; fi
  if [ -z "$keepfree" ]; then keepfree=$((fs_size * 15 / 100)); [ "$keepfree" -le "$four_g" ] || keepfree=$four_g; fi
  usage=0 age=
  if [ -d "$jdir" ]; then
    usage=$(($(du -sk "$jdir" | awk '{ print $1 }') * 1024))
    oldest=$(journalctl -q -D "$jdir" -o short-unix --no-pager 2>/dev/null | head -n 1 | awk '{ printf "%d\n", $1 }')
    [ -n "$oldest" ] && age=$(($(date +%s) - oldest))
  fi
  room=$((usage + fs_avail - keepfree))
  [ "$room" -ge 0 ] || room=0
  cap=$maxuse
  [ "$room" -ge "$cap" ] || cap=$room
  # journald rotates a file at SystemMaxFileSize (default: an eighth of
  # SystemMaxUse, at most 128M, at least 512K) and then deletes the oldest
  # archived files while over the limit: within one file of the limit, the
  # journal is full.
  filemax=$(bytes "$(last SystemMaxFileSize)")
  [ "$filemax" != '?' ] || { echo "SystemMaxFileSize is not a size this runbook understands" >&2; exit 2; }
  if [ -z "$filemax" ]; then filemax=$((maxuse / 8)); [ "$filemax" -le $((128 * 1024 * 1024)) ] || filemax=$((128 * 1024 * 1024)); fi
  [ "$filemax" -ge 524288 ] || filemax=524288
  limits="SystemMaxUse=${maxuse_set:-default $(human "$maxuse")}, SystemKeepFree=${keepfree_set:-default $(human "$keepfree")}: at most $(human "$cap")"
  want=$((days * 86400))
  if [ -z "$age" ]; then
    verdict=none evidence="no journal on disk yet; size limits ($limits) not measurable"
  elif [ "$age" -ge "$want" ]; then
    verdict=reaches evidence="the oldest entry is $(span "$age") old"
  elif [ $((usage + filemax)) -ge "$cap" ]; then
    verdict=full evidence="the journal is at its size limit ($(human "$usage") used; $limits) and its oldest entry is only $(span "$age") old: size, not time, decides retention"
  elif [ "$age" -lt 86400 ]; then
    verdict=young evidence="the journal is only $(span "$age") old: its growth rate cannot be measured yet ($limits)"
  else
    holds=$(awk -v c="$cap" -v u="$usage" -v a="$age" 'BEGIN { printf "%d\n", c / u * a }')
    if [ "$holds" -lt "$want" ]; then verdict=short; else verdict=enough; fi
    evidence="at its growth rate ($(human "$usage") in $(span "$age")) the size limit ($limits) holds about $(span "$holds")"
  fi
}
last() { printf '%s\n' "$config" | sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" | tail -n 1; }
# systemd time spans: a number with an optional unit, e.g. 90day, 3month, 1y.
timespan() {
  printf '%s\n' "$1" | awk '
    { total = 0; s = $0; gsub(/[[:space:]]/, "", s)
      while (match(s, /^[0-9]+[a-zA-Z]*/)) {
        token = substr(s, 1, RLENGTH); s = substr(s, RLENGTH + 1)
        n = token + 0; unit = token; sub(/^[0-9]+/, "", unit)
        if (unit == "" || unit ~ /^s(ec|econds?)?$/) f = 1
        else if (unit ~ /^(m|min|minutes?)$/) f = 60
        else if (unit ~ /^(h|hr|hours?)$/) f = 3600
        else if (unit ~ /^(d|days?)$/) f = 86400
        else if (unit ~ /^(w|weeks?)$/) f = 604800
        else if (unit ~ /^(M|months?)$/) f = 2629800
        else if (unit ~ /^(y|years?)$/) f = 31557600
        else { print "?"; exit }
        total += n * f }
      if (s != "") print "?"; else print total }'
}
# journald sizes: bytes with an optional K, M, G, T, P or E (powers of 1024).
bytes() {
  printf '%s\n' "$1" | awk '
    { s = $0; gsub(/[[:space:]]/, "", s)
      if (s == "") { print ""; exit }
      if (!match(s, /^[0-9]+(\.[0-9]+)?/)) { print "?"; exit }
      n = substr(s, 1, RLENGTH) + 0; u = toupper(substr(s, RLENGTH + 1)); sub(/I?B$/, "", u)
      f = index("KMGTPE", u)
      if (u != "" && (length(u) != 1 || f == 0)) { print "?"; exit }
      v = n; for (i = 0; i < f; i++) v *= 1024
      printf "%.0f\n", v }'
}
human() { awk -v b="$1" 'BEGIN { split("B K M G T P", u); i = 1; while (b >= 1024 && i < 6) { b /= 1024; i++ } if (i == 1) printf "%dB\n", b; else printf "%.1f%s\n", b, u[i] }'; }
span() {
  if [ "$1" -ge 86400 ]; then echo "$(($1 / 86400)) days"
  elif [ "$1" -ge 3600 ]; then echo "$(($1 / 3600)) hours"
  else echo "$1 s"; fi
}
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
