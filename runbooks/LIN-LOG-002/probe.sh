# Compliant when this host forwards its journal to the log host
# (log_forward_url) over TLS it can verify, with systemd-journal-upload:
#  - the effective upload URL (--url on the unit's command line, else the
#    last URL= of journal-upload.conf and its drop-ins) is https:// to the
#    log host's host and port (plain http:// would send PHI unencrypted);
#  - TLS can be verified: the CA file (TrustedCertificateFile, else
#    journal-upload's default /etc/ssl/ca/trusted.pem — it does not fall
#    back to the system CA bundle) holds a certificate, is log_forward_ca_file
#    when that is set, and verification is not turned off (--trust=all);
#  - the client key and certificate journal-upload always presents over
#    https exist and the service's user can read them;
#  - systemd-journal-upload.service is enabled at boot and running or
#    waiting to retry, and keeps retrying when the log host is unreachable
#    (a start limit it would hit means forwarding stops for good after an
#    outage).
# Delivery to the log host is not verified unless
# log_forward_require_delivery = true (then a cursor in the uploader's
# state file, and the uploader running rather than retrying); the message
# gives the evidence either way.
[ -d /run/systemd/system ] || { echo "systemd is not running on this host"; exit 77; }
want_in=${COMPLY_INPUT_LOG_FORWARD_URL:-}
ca_in=${COMPLY_INPUT_LOG_FORWARD_CA_FILE:-}
require=${COMPLY_INPUT_LOG_FORWARD_REQUIRE_DELIVERY:-}
if [ -z "$want_in" ]; then
  echo "no log_forward_url configured: set the suite input to the log host's systemd-journal-remote (https://HOST[:PORT]) to check forwarding"
  exit 77
fi
case "$require" in
  true | false) ;;
  *) echo "input log_forward_require_delivery must be true or false, got '$require'" >&2; exit 2 ;;
esac
upload_facts
problems=
problem() { problems="$problems
- $*"; }
case $load in
  loaded) ;;
  masked) problem "$unit is masked" ;;
  *) echo "$unit is not installed (package systemd-journal-remote): nothing forwards the journal to $want_auth"; exit 1 ;;
esac
if [ -z "$url" ]; then
  problem "no upload URL is configured (URL= in /etc/systemd/journal-upload.conf or its drop-ins)"
else
  case $url in
    https://*)
      if [ "$(url_auth "$url")" != "$want_auth" ]; then
        problem "it uploads to $url_set ($url_from), not to the log host $want_auth (log_forward_url)"
      fi ;;
    *) problem "$url_from is $url_set: plain HTTP sends the journal (PHI) unencrypted; it must be https:// to $want_auth" ;;
  esac
fi
case $trust in
  all | "-") problem "TLS verification of the log host is turned off ($trust_from is '$trust')" ;;
  *)
    if ! has_pem "$trust" CERTIFICATE; then
      problem "the CA file $trust ($trust_from) does not exist or holds no certificate: journal-upload cannot verify the log host (it does not use the system CA bundle unless TrustedCertificateFile names it)"
    elif [ -n "$ca_in" ] && [ "$trust" != "$ca_in" ]; then
      problem "it trusts $trust ($trust_from), not the log host's CA log_forward_ca_file=$ca_in"
    fi ;;
esac
client_file() { # WHAT PATH FROM MARKER
  if [ "$2" = "-" ]; then
    return 0
  elif ! has_pem "$2" "$4"; then
    problem "the $1 $2 ($3) does not exist or holds no PEM $1: journal-upload presents it on every https:// upload and fails without it"
  elif [ "$(readable "$2")" = no ]; then
    problem "the service's user cannot read the $1 $2 ($3): uploads fail"
  fi
}
client_file "client key" "$key" "$key_from" "[A-Z ]*PRIVATE KEY"
client_file "client certificate" "$cert" "$cert_from" CERTIFICATE
enabled=$(systemctl is-enabled "$unit" 2>/dev/null) || true
[ "$enabled" = enabled ] || problem "$unit is not enabled at boot (is-enabled: ${enabled:-unknown})"
# Restart and start limit: a failed upload ends the process; it must come
# back for as long as the log host is unreachable.
state() { systemctl show -p "$1" --value "$unit" 2>/dev/null; }
usec() {
  printf '%s\n' "$1" | awk '
    { s = $0; if (s == "") { print -1; exit } if (s == "infinity") { print 999999999999999999; exit } total = 0
      n = split(s, w, /[[:space:]]+/)
      for (i = 1; i <= n; i++) {
        if (!match(w[i], /^[0-9.]+/)) continue
        v = substr(w[i], 1, RLENGTH) + 0; u = substr(w[i], RLENGTH + 1)
        if (u == "us") f = 1; else if (u == "ms") f = 1000; else if (u == "" || u == "s") f = 1000000
        else if (u == "min") f = 60000000; else if (u == "h") f = 3600000000; else if (u == "d") f = 86400000000
        else if (u == "w") f = 604800000000; else f = 1000000
        total += v * f }
      printf "%.0f\n", total }'
}
restart=$(state Restart)
restart_us=$(usec "$(state RestartUSec)")
interval_us=$(usec "$(state StartLimitIntervalUSec)")
burst=$(state StartLimitBurst)
case $restart in
  always | on-failure) ;;
  *) problem "Restart=$restart: after one failed upload (the log host unreachable, a network outage) the uploader stays stopped" ;;
esac
case $restart in
  always | on-failure)
    if [ "$interval_us" -gt 0 ] && [ "${burst:-0}" -gt 0 ] && [ $(((burst - 1) * restart_us)) -lt "$interval_us" ]; then
      problem "it gives up after $burst failed uploads $(state RestartUSec) apart (StartLimitBurst=$burst within StartLimitIntervalSec=$(state StartLimitIntervalUSec)): an outage of the log host stops forwarding until someone restarts it"
    fi ;;
esac
# Settle a transition (starting, stopping) for up to 5 s.
i=0
while :; do
  active=$(state ActiveState) sub=$(state SubState)
  case $active/$sub in
    active/* | activating/auto-restart | failed/* | inactive/*) break ;;
  esac
  [ "$i" -lt 25 ] || break
  i=$((i + 1)); sleep 0.2
done
case $active/$sub in
  active/running) running="running" ;;
  activating/auto-restart) running="retrying (its last upload failed; next attempt in $(state RestartUSec))" ;;
  *) problem "$unit is not running ($active/$sub, result $(state Result))"; running= ;;
esac
# Evidence of delivery: the cursor journal-upload saves after each upload
# the log host accepted (--save-state), and its last message.
state_file=/var/lib/systemd/journal-upload/state
cursor=$(sed -n 's/^LAST_CURSOR=//p' "$state_file" 2>/dev/null | tail -n 1)
if [ -n "$cursor" ]; then
  when=$(journalctl --cursor="$cursor" -n 1 -o short-iso --no-pager -q 2>/dev/null | head -n 1 | cut -d' ' -f1)
  delivered="the log host last confirmed an entry${when:+ of $when} ($state_file)"
else
  delivered="no upload confirmed yet (no cursor in $state_file)"
fi
# (its messages reach the journal at priority info: take the last one)
last_error=$(journalctl -t systemd-journal-upload -n 1 -o cat --no-pager -q 2>/dev/null | tail -n 1)
if [ "$require" = true ]; then
  [ -n "$cursor" ] || problem "$delivered, and log_forward_require_delivery = true${last_error:+; its last message: $last_error}"
  [ "$active/$sub" = active/running ] || [ -z "$running" ] || problem "$unit is $running, and log_forward_require_delivery = true${last_error:+; its last message: $last_error}"
fi
if [ -n "$problems" ]; then
  echo "the journal is not forwarded to $want_auth over verified TLS:$problems"
  exit 1
fi
[ "$cert" = "-" ] && client="no client certificate" || client="client certificate $cert"
msg="$unit is enabled and $running, uploading to $url over TLS (CA $trust, $client); $delivered"
case $running in
  retrying*) msg="$msg; its last message: ${last_error:-none}" ;;
esac
if [ "$require" = true ]; then
  echo "$msg"
else
  echo "$msg — delivery to the log host is not verified (weak evidence; log_forward_require_delivery = false)"
fi
