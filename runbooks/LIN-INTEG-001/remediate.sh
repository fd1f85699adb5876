# Debian/Ubuntu.
# integrity_require_aide true (the default): AIDE (installed when missing)
# gets a baseline database, made as Debian's aideinit makes it
# (`aide --init` with /etc/aide/aide.conf, the new database then put in
# place as database_in), only when there is no valid one; and its daily
# check is scheduled: CRON_DAILY_RUN=yes in /etc/default/aide where it was
# set otherwise, dailyaidecheck.timer unmasked, enabled and started
# (without systemd: /etc/cron.daily/aide executable, cron running). aide
# runs as root here rather than through aideinit's capsh to the _aide
# user, which fails where CAP_DAC_READ_SEARCH is not in the bounding set
# (containers); the database is left root-owned, mode 0600, as aideinit
# leaves it. An existing valid baseline is never replaced: it is what is
# trusted. A last daily check that failed is left to a person (the
# remediation fails, naming it).
# integrity_require_aide false: debsums (installed when missing) at
# integrity_check_interval through its own cron jobs (CRON_CHECK in
# /etc/default/debsums, a shell fragment those jobs source; it has no
# drop-in directory), and cron enabled and started.
set -eu
interval=${COMPLY_INPUT_INTEGRITY_CHECK_INTERVAL:-}
require_aide=${COMPLY_INPUT_INTEGRITY_REQUIRE_AIDE:-}
rank() { case $1 in daily) echo 1 ;; weekly) echo 2 ;; monthly) echo 3 ;; *) echo 9 ;; esac; }
[ "$(rank "$interval")" != 9 ] || { echo "input integrity_check_interval must be daily, weekly or monthly, got '$interval'" >&2; exit 2; }
case $require_aide in true | false) ;; *) echo "input integrity_require_aide must be true or false, got '$require_aide'" >&2; exit 2 ;; esac
systemd=no
[ -d /run/systemd/system ] && systemd=yes

if [ "$require_aide" = true ]; then
  if ! command -v aide >/dev/null 2>&1 || [ ! -f /etc/aide/aide.conf ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q aide aide-common
  fi
  conf=/etc/aide/aide.conf
  db=$(sed -n 's/^[[:space:]]*database_in[[:space:]]*=[[:space:]]*file://p' "$conf" | tail -n 1)
  db=${db:-/var/lib/aide/aide.db}
  out=$(sed -n 's/^[[:space:]]*database_out[[:space:]]*=[[:space:]]*file://p' "$conf" | tail -n 1)
  out=${out:-/var/lib/aide/aide.db.new}
  if [ -s "$db" ] && [ "$(zcat -f "$db" 2>/dev/null | head -n 1)" = "@@begin_db" ]; then
    log=/var/log/aide/aide.log
    if [ -f "$log" ] && [ -n "$(find "$log" -newer "$db" 2>/dev/null)" ] && grep -q 'AIDE returned with exit code \([89]\|[1-9][0-9]\)\|aborted prematurely\|database not present' "$log"; then
      echo "the last daily AIDE check failed ($log); a person must find out why (a baseline is not rebuilt over it)" >&2
      exit 1
    fi
  else
    if [ -e "$db" ] && [ ! -e "$db.comply-invalid" ]; then
      mv "$db" "$db.comply-invalid"
      echo "$db was not an AIDE database: kept as $db.comply-invalid"
    fi
    mkdir -p "$(dirname "$db")" /var/log/aide
    echo "building the AIDE baseline (aide --init, $conf); this reads every file it covers"
    rc=0
    nice -n 10 aide --config="$conf" --init >/var/log/aide/aideinit.log 2>/var/log/aide/aideinit.errors || rc=$?
    if [ "$rc" -ne 0 ] || [ ! -s "$out" ]; then
      echo "aide --init failed (exit $rc):" >&2
      tail -n 20 /var/log/aide/aideinit.errors >&2
      exit 1
    fi
    # move, not copy: no root-owned $out remains for the daily check (run
    # as _aide) to fail to overwrite
    mv -f "$out" "$db"
    chown root:root "$db"
    chmod 0600 "$db"
    echo "AIDE baseline $db made from $conf"
  fi
  # CRON_DAILY_RUN other than yes makes the daily check exit at once; the
  # file is a shell fragment without drop-in directory
  if grep -Eq "^[[:space:]]*CRON_DAILY_RUN=" /etc/default/aide 2>/dev/null &&
     [ "$(sed -n "s/^[[:space:]]*CRON_DAILY_RUN=[\"']\{0,1\}\([A-Za-z]*\).*/\1/p" /etc/default/aide | tail -n 1)" != yes ]; then
    sed -i -E 's/^[[:space:]]*CRON_DAILY_RUN=.*/CRON_DAILY_RUN=yes/' /etc/default/aide
    echo "/etc/default/aide: CRON_DAILY_RUN=yes"
  fi
  if [ "$systemd" = yes ]; then
    for unit in dailyaidecheck.service dailyaidecheck.timer; do
      if [ "$(systemctl is-enabled "$unit" 2>/dev/null)" = masked ]; then
        systemctl unmask "$unit"
        echo "unmasked $unit"
      fi
    done
    if ! systemctl is-enabled --quiet dailyaidecheck.timer || ! systemctl is-active --quiet dailyaidecheck.timer; then
      systemctl enable --now dailyaidecheck.timer
      echo "enabled and started dailyaidecheck.timer"
    fi
  else
    [ -x /etc/cron.daily/aide ] || { chmod 0755 /etc/cron.daily/aide; echo "made /etc/cron.daily/aide executable"; }
    if ! pgrep -x cron >/dev/null 2>&1 && ! pgrep -x crond >/dev/null 2>&1; then
      echo "cron is not running and this host has no systemd: start and enable it by hand" >&2
      exit 1
    fi
  fi
  exit 0
fi

if [ ! -x /usr/bin/debsums ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debsums cron
fi
conf=/etc/default/debsums
check=$(sed -n "s/^[[:space:]]*CRON_CHECK=[\"']\{0,1\}\([a-z]*\).*/\1/p" "$conf" 2>/dev/null | tail -n 1)
if [ "$(rank "${check:-never}")" -gt "$(rank "$interval")" ]; then
  if grep -Eq '^[[:space:]]*CRON_CHECK=' "$conf" 2>/dev/null; then
    sed -i -E "s/^[[:space:]]*CRON_CHECK=.*/CRON_CHECK=$interval/" "$conf"
  else
    printf '# Added by comply LIN-INTEG-001 (45 CFR 164.312(c)(1)).\nCRON_CHECK=%s\n' "$interval" >> "$conf"
  fi
  echo "$conf: CRON_CHECK=$interval (was ${check:-unset})"
fi
systemctl enable --now cron.service
