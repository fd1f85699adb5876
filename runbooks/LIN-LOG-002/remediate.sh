# Debian/Ubuntu: forward the journal to the log host (log_forward_url) with
# systemd-journal-upload over TLS:
#  - drop-in /etc/systemd/journal-upload.conf.d/99-comply-LIN-LOG-002.conf
#    with URL=https://HOST:PORT (and TrustedCertificateFile= when
#    log_forward_ca_file is set);
#  - unit drop-in systemd-journal-upload.service.d/zz-comply-LIN-LOG-002.conf:
#    Restart=always, RestartSec=30s, no start limit, so the uploader keeps
#    retrying while the log host is unreachable (it resumes from its saved
#    cursor, losing nothing) instead of giving up after five quick failures;
#  - systemctl enable, and a restart when anything changed or it is not
#    running or retrying.
# It installs systemd-journal-remote when missing. It never creates keys or
# certificates and never overrides the unit's command line: it refuses,
# changing nothing, when the log host's CA, the client key or certificate
# is missing or unreadable by the service, when TLS verification was turned
# off, or when an ExecStart= override sets a wrong --url/--trust/--key/--cert
# (a person owns those). L2: forwarding sends every journal entry, PHI
# included, to another host.
set -eu
want_in=${COMPLY_INPUT_LOG_FORWARD_URL:-}
ca_in=${COMPLY_INPUT_LOG_FORWARD_CA_FILE:-}
refuse() { echo "refused, nothing changed: $*" >&2; exit 3; }
[ -n "$want_in" ] || refuse "log_forward_url is not set: set the suite input to the log host's systemd-journal-remote (https://HOST[:PORT])"
upload_facts
if [ "$load" != loaded ] && [ "$load" != masked ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q systemd-journal-remote
  upload_facts
fi
overrides=$(systemctl show -p DropInPaths --value "$unit" 2>/dev/null) || overrides=
# The command line wins over journal-upload.conf: a wrong value there is a
# person's to fix.
if [ -n "$cli_url" ]; then
  case $url in
    https://*) [ "$(url_auth "$url")" = "$want_auth" ] || refuse "the unit's command line uploads to $cli_url ($argv; ExecStart= in ${overrides:-its unit file}), which wins over journal-upload.conf: remove --url there or point it at $want" ;;
    *) refuse "the unit's command line uploads to $cli_url over plain HTTP ($argv; ExecStart= in ${overrides:-its unit file}), which wins over journal-upload.conf: remove --url there or point it at $want" ;;
  esac
fi
if [ -n "$ca_in" ]; then
  has_pem "$ca_in" CERTIFICATE || refuse "log_forward_ca_file=$ca_in does not exist or holds no certificate: put the log host's CA certificate there"
  if [ -n "$cli_trust" ] && [ "$cli_trust" != "$ca_in" ]; then
    refuse "the unit's command line sets --trust=$cli_trust ($argv; ExecStart= in ${overrides:-its unit file}), which wins over journal-upload.conf: remove it there or make it $ca_in"
  fi
else
  case $trust in
    all | "-") refuse "TLS verification of the log host was turned off ($trust_from is '$trust'): a person decides; to trust a CA file, set log_forward_ca_file" ;;
  esac
  has_pem "$trust" CERTIFICATE || refuse "the CA file $trust ($trust_from) does not exist or holds no certificate: put the log host's CA certificate there, or set log_forward_ca_file"
fi
for pair in "client key|$key|$key_from|[A-Z ]*PRIVATE KEY" "client certificate|$cert|$cert_from|CERTIFICATE"; do
  what=${pair%%|*} rest=${pair#*|}
  path=${rest%%|*} rest=${rest#*|}
  from=${rest%%|*} marker=${rest#*|}
  [ "$path" != "-" ] || continue
  has_pem "$path" "$marker" || refuse "the $what $path ($from) does not exist or holds no PEM $what: provision the client certificate the log host's CA signed (ServerKeyFile=, ServerCertificateFile=) before forwarding can work"
  [ "$(readable "$path")" != no ] || refuse "the service's user cannot read the $what $path ($from): make it readable to the group systemd-journal (the service's supplementary group) or move it"
done
conf_dropin=/etc/systemd/journal-upload.conf.d/99-comply-LIN-LOG-002.conf
unit_dropin=/etc/systemd/system/$unit.d/zz-comply-LIN-LOG-002.conf
conf_content=$(
  echo "# Written by comply LIN-LOG-002 (45 CFR 164.312(b)): forward the journal"
  echo "# to the log host over TLS."
  echo "[Upload]"
  echo "URL=$want"
  [ -z "$ca_in" ] || echo "TrustedCertificateFile=$ca_in"
)
unit_content=$(
  echo "# Written by comply LIN-LOG-002 (45 CFR 164.312(b)): keep retrying while"
  echo "# the log host is unreachable; uploads resume from the saved cursor."
  echo "[Unit]"
  echo "StartLimitIntervalSec=0"
  echo "[Service]"
  echo "Restart=always"
  echo "RestartSec=30s"
)
changed=
if [ ! -f "$conf_dropin" ] || [ "$(cat "$conf_dropin")" != "$conf_content" ]; then
  mkdir -p "${conf_dropin%/*}"
  printf '%s\n' "$conf_content" > "$conf_dropin"
  echo "$conf_dropin: URL=$want${ca_in:+, TrustedCertificateFile=$ca_in}"
  changed=yes
fi
if [ ! -f "$unit_dropin" ] || [ "$(cat "$unit_dropin")" != "$unit_content" ]; then
  mkdir -p "${unit_dropin%/*}"
  printf '%s\n' "$unit_content" > "$unit_dropin"
  echo "$unit_dropin: Restart=always, RestartSec=30s, StartLimitIntervalSec=0"
  systemctl daemon-reload
  changed=yes
fi
if [ "$load" = masked ]; then
  systemctl unmask "$unit"
  changed=yes
fi
[ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" = enabled ] || systemctl enable "$unit"
state() { systemctl show -p "$1" --value "$unit" 2>/dev/null; }
case $(state ActiveState)/$(state SubState) in
  active/running | activating/auto-restart) [ -z "$changed" ] || systemctl restart "$unit" ;;
  *) systemctl reset-failed "$unit" 2>/dev/null || true; systemctl restart "$unit" ;;
esac
# Give the first upload up to 3 s: an unreachable log host fails it at once
# and the uploader waits to retry; one still running after that is
# uploading or still connecting.
i=0
while [ "$i" -lt 15 ]; do
  case $(state ActiveState)/$(state SubState) in
    activating/auto-restart | failed/* | inactive/*) break ;;
  esac
  i=$((i + 1)); sleep 0.2
done
upload_facts
if [ "$url" != "$want" ]; then
  echo "the effective URL is still ${url_set:-unset} ($url_from): a drop-in that sorts after $conf_dropin sets it (systemd-analyze cat-config systemd/journal-upload.conf)" >&2
  exit 1
fi
echo "$unit: $(systemctl is-enabled "$unit"), $(state ActiveState)/$(state SubState), uploading to $url; delivery to the log host is not verified here"
