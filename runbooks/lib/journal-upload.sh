# Journal upload facts for LIN-LOG-002 (probe.sh and remediate.sh): what
# systemd-journal-upload is configured to do, read the way it reads it.
# Provides upload_facts and its helpers; runs nothing at top level except
# setting `unit`.
# Sets, for systemd-journal-upload.service: load (LoadState); want (the
# input log_forward_url as https://host:port[/path]) and want_auth
# (host:port); conf_* (URL, ServerKeyFile, ServerCertificateFile,
# TrustedCertificateFile: the last assignment in journal-upload.conf and its
# drop-ins, in systemd-analyze cat-config order); cli_* (the same from the
# unit's command line, -u/--url, --key, --cert, --trust, which win); url
# (effective, normalised as journal-upload does: no scheme means https://,
# no port means 19532), url_from; trust, key, cert (effective files,
# journal-upload's defaults when unset) and their *_from; readable (a
# function: can the service's user read a file).
unit=systemd-journal-upload.service
upload_facts() {
  want=$(norm_url "$want_in")
  case $want in
    https://*) ;;
    *) echo "input log_forward_url must be an https:// URL (the journal carries PHI: plain HTTP would send it unencrypted), got '$want_in'" >&2; exit 2 ;;
  esac
  want_auth=$(url_auth "$want")
  load=$(systemctl show -p LoadState --value "$unit" 2>/dev/null) || load=
  config=$(systemd-analyze cat-config systemd/journal-upload.conf 2>/dev/null) \
    || config=$(cat /etc/systemd/journal-upload.conf /etc/systemd/journal-upload.conf.d/*.conf 2>/dev/null) || config=
  conf_url=$(upload_key URL) conf_key=$(upload_key ServerKeyFile)
  conf_cert=$(upload_key ServerCertificateFile) conf_trust=$(upload_key TrustedCertificateFile)
  cli_url='' cli_key='' cli_cert='' cli_trust=''
  argv=$(systemctl show -p ExecStart --value "$unit" 2>/dev/null | sed -n 's/.*argv\[\]=\([^;]*\) ;.*/\1/p' | head -n 1)
  set -f
  # shellcheck disable=SC2086 # the words of the command line
  set -- $argv
  set +f
  while [ $# -gt 0 ]; do
    case $1 in
      -u | --url) cli_url=${2:-}; shift ;;
      -u*) cli_url=${1#-u} ;;
      --url=*) cli_url=${1#--url=} ;;
      --key) cli_key=${2:-}; shift ;;
      --key=*) cli_key=${1#--key=} ;;
      --cert) cli_cert=${2:-}; shift ;;
      --cert=*) cli_cert=${1#--cert=} ;;
      --trust) cli_trust=${2:-}; shift ;;
      --trust=*) cli_trust=${1#--trust=} ;;
    esac
    shift
  done
  if [ -n "$cli_url" ]; then url_set=$cli_url url_from="--url on the unit's command line"
  else url_set=$conf_url url_from="URL= in journal-upload.conf"; fi
  url=
  [ -z "$url_set" ] || url=$(norm_url "$url_set")
  trust=$(pick "$cli_trust" "$conf_trust" /etc/ssl/ca/trusted.pem)
  trust_from=$(pick_from "$cli_trust" "$conf_trust" --trust TrustedCertificateFile)
  key=$(pick "$cli_key" "$conf_key" /etc/ssl/private/journal-upload.pem)
  key_from=$(pick_from "$cli_key" "$conf_key" --key ServerKeyFile)
  cert=$(pick "$cli_cert" "$conf_cert" /etc/ssl/certs/journal-upload.pem)
  cert_from=$(pick_from "$cli_cert" "$conf_cert" --cert ServerCertificateFile)
  # "-" turns the client certificate off in newer journal-upload; systemd
  # 252 (Debian 12) ignores it in the configuration and uses the default.
  sd_version=$(systemctl --version 2>/dev/null | awk 'NR == 1 { print $2 + 0 }')
  if [ "$key" = "-" ] || [ "$cert" = "-" ]; then
    if [ "${sd_version:-0}" -gt 252 ]; then
      key="-" cert="-" key_from="$key_from (no client certificate)" cert_from=$key_from
    else
      [ "$key" != "-" ] || { key=/etc/ssl/private/journal-upload.pem key_from="journal-upload's default (systemd $sd_version ignores ServerKeyFile=-)"; }
      [ "$cert" != "-" ] || { cert=/etc/ssl/certs/journal-upload.pem cert_from="journal-upload's default (systemd $sd_version ignores ServerCertificateFile=-)"; }
    fi
  fi
}
# pick CLI CONF DEFAULT: the first set; pick_from CLI CONF OPTION KEY: where from.
pick() { if [ -n "$1" ]; then echo "$1"; elif [ -n "$2" ]; then echo "$2"; else echo "$3"; fi; }
pick_from() {
  if [ -n "$1" ]; then echo "$3 on the unit's command line"
  elif [ -n "$2" ]; then echo "$4"
  else echo "journal-upload's default"; fi
}
upload_key() {
  printf '%s\n' "$config" | awk -v key="$1" '
    /^[[:space:]]*\[/ { section = $0; gsub(/[[:space:]]/, "", section); next }
    section == "[Upload]" {
      line = $0; sub(/^[[:space:]]+/, "", line)
      if (line ~ /^[#;]/) next
      eq = index(line, "="); if (eq == 0) next
      k = substr(line, 1, eq - 1); sub(/[[:space:]]+$/, "", k)
      if (k != key) next
      v = substr(line, eq + 1); sub(/^[[:space:]]+/, "", v); sub(/[[:space:]]+$/, "", v)
      last = v; found = 1 }
    END { if (found) print last }'
}
# norm_url URL: scheme (https:// when none, as journal-upload adds), host
# lower-cased, port 19532 when none, trailing slashes removed.
norm_url() {
  printf '%s\n' "$1" | awk '{
    u = $0; sub(/^[[:space:]]+/, "", u); sub(/[[:space:]]+$/, "", u)
    scheme = "https"
    if (match(u, /^[A-Za-z][A-Za-z0-9+.-]*:\/\//)) { scheme = tolower(substr(u, 1, RLENGTH - 3)); u = substr(u, RLENGTH + 1) }
    slash = index(u, "/")
    if (slash) { auth = substr(u, 1, slash - 1); path = substr(u, slash) } else { auth = u; path = "" }
    sub(/\/+$/, "", path)
    auth = tolower(auth)
    if (auth !~ /:[0-9]+$/ || auth ~ /^\[[^]]*\]$/) auth = auth ":19532"
    print scheme "://" auth path }'
}
url_auth() { printf '%s\n' "$1" | sed 's|^[a-z]*://||; s|/.*||'; }
# Whether the service's user (its dynamic user, or User=, with its groups
# and SupplementaryGroups=) may read a file: "yes", "no", or "unknown"
# without setpriv.
readable() {
  command -v setpriv >/dev/null 2>&1 || { echo unknown; return; }
  svc_user=$(systemctl show -p User --value "$unit" 2>/dev/null) || svc_user=
  svc_groups=$(systemctl show -p SupplementaryGroups --value "$unit" 2>/dev/null) || svc_groups=
  if [ -n "$svc_user" ] && id -u "$svc_user" >/dev/null 2>&1; then
    uid=$(id -u "$svc_user") gid=$(id -g "$svc_user") gids=$(id -G "$svc_user")
  else
    # a dynamic user not allocated yet: an unprivileged UID no file belongs
    # to stands for it (with the groups below)
    uid=61183 gid=61183 gids=61183
  fi
  for g in $svc_groups; do
    n=$(getent group "$g" | cut -d: -f3) && [ -n "$n" ] && gids="$gids $n"
  done
  if setpriv --reuid="$uid" --regid="$gid" --groups="$(echo "$gids" | tr ' ' ',')" --inh-caps=-all -- test -r "$1" 2>/dev/null; then
    echo yes
  else
    echo no
  fi
}
has_pem() { [ -f "$1" ] && grep -q -- "-----BEGIN $2" "$1" 2>/dev/null; }
