# Debian/Ubuntu: schedule debsums (installed when missing) at
# integrity_check_interval through its own cron jobs (CRON_CHECK in
# /etc/default/debsums, a shell fragment those jobs source; it has no
# drop-in directory), and enable and start cron. AIDE is left as it is:
# building its baseline database is a person's decision (what is trusted).
set -eu
interval=${COMPLY_INPUT_INTEGRITY_CHECK_INTERVAL:-}
rank() { case $1 in daily) echo 1 ;; weekly) echo 2 ;; monthly) echo 3 ;; *) echo 9 ;; esac; }
[ "$(rank "$interval")" != 9 ] || { echo "input integrity_check_interval must be daily, weekly or monthly, got '$interval'" >&2; exit 2; }
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
