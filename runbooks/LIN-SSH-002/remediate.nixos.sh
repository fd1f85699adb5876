# NixOS: sshd_config is generated from services.openssh.settings and has
# no Include, so a drop-in would be ignored. A module forces the bounds,
# configuration.nix imports it, and the switch restarts sshd. Refuses (exit 3,
# nothing changed) when the configuration is kept elsewhere (flake, git,
# deployment tool).
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-002
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords='clientaliveinterval clientalivecountmax'
spec_users=nobody
max_interval=${COMPLY_INPUT_SSH_CLIENT_ALIVE_INTERVAL_MAX_S:-}
max_count=${COMPLY_INPUT_SSH_CLIENT_ALIVE_COUNT_MAX:-}
inputs_ok() {
  case "$max_interval:$max_count" in
    *[!0-9:]* | :* | *: | *:0 | 0:*)
      echo "inputs ssh_client_alive_interval_max_s and ssh_client_alive_count_max must be whole numbers of at least 1, got '$max_interval' and '$max_count'" >&2
      return 1 ;;
  esac
}
# Whether VALUE (as written in a configuration file) for KEYWORD is compliant;
# ClientAliveInterval is a time (sshd's 90, 5m, 1h30m…).
value_ok() {
  case $1 in
    clientaliveinterval) n=$(printf '%s\n' "$2" | awk '{
        t = $0; s = 0
        while (match(t, /^[0-9]+[sSmMhHdDwW]?/)) {
          part = substr(t, 1, RLENGTH); unit = tolower(substr(part, RLENGTH))
          m = unit == "m" ? 60 : unit == "h" ? 3600 : unit == "d" ? 86400 : unit == "w" ? 604800 : 1
          s += (part + 0) * m; t = substr(t, RLENGTH + 1)
        }
        print (t == "" && $0 != "") ? s : "x" }')
      max=$max_interval ;;
    *) n=$2; max=$max_count ;;
  esac
  case $n in '' | *[!0-9]*) return 1 ;; esac
  [ "$n" -ge 1 ] && [ "$n" -le "$max" ]
}
# The runbook's test of one effective configuration ($config).
check_config() {
  interval=$(setting clientaliveinterval)
  count=$(setting clientalivecountmax)
  case "$interval:$count" in
    *[!0-9:]* | :* | *:) echo "sshd -T reported ClientAliveInterval '$interval' and ClientAliveCountMax '$count'"; return 2 ;;
  esac
  found='' sep='; '
  if [ "$interval" -eq 0 ]; then
    found="ClientAliveInterval 0: sshd never checks on idle clients, so an abandoned session stays open"
  elif [ "$interval" -gt "$max_interval" ]; then
    found="ClientAliveInterval $interval: more than the allowed $max_interval seconds between checks of an idle client"
  fi
  if [ "$count" -eq 0 ]; then
    found="$found${found:+$sep}ClientAliveCountMax 0: sshd never disconnects an unresponsive client"
  elif [ "$count" -gt "$max_count" ]; then
    found="$found${found:+$sep}ClientAliveCountMax $count: more than the allowed $max_count unanswered checks before disconnecting"
  fi
  if [ -n "$found" ]; then
    echo "$found"
    return 1
  fi
  echo "ClientAliveInterval $interval, ClientAliveCountMax $count: an unresponsive session is closed within $((interval * count)) seconds (allowed: $max_interval x $max_count)"
}
inputs_ok || exit 2
module_body() {
  echo "# Written by comply LIN-SSH-002 (45 CFR 164.312(a)(2)(iii))."
  echo "{ lib, ... }: {"
  echo "  services.openssh.settings.ClientAliveInterval = lib.mkForce $max_interval;"
  echo "  services.openssh.settings.ClientAliveCountMax = lib.mkForce $max_count;"
  echo "}"
}
preflight() { :; }
# --- shared by LIN-SSH-001 … LIN-SSH-008 (keep the copies identical) -------
# sshd itself, run with ARGS. sshd refuses to run without its privilege
# separation directory, which systemd removes while the service is stopped:
# then run it in a private mount namespace with a throwaway /run, which
# changes nothing on the host.
sshd_run() {
  out=$(sshd "$@" 2>&1) || {
    case $out in
      *'Missing privilege separation directory: /run/'*)
        dir=${out##*directory: }
        dir=${dir%%[!A-Za-z0-9/._-]*}
        out=$(unshare --mount sh -c 'mount -t tmpfs -o mode=0755 comply /run && mkdir -p "$1" && shift && exec sshd "$@"' sh "$dir" "$@" 2>&1) ;;
      *) false ;;
    esac
  } || { printf '%s\n' "$out" >&2; return 1; }
  [ -z "$out" ] || printf '%s\n' "$out"
}
# sshd's effective configuration as sshd itself reads it (`sshd -T`). Plain
# `sshd -T` ignores Match blocks; with a connection spec (`-C user=…,host=…,
# addr=…`) the Match blocks that connection triggers are applied too, and
# sshd's debug lines (-ddd) say which Match lines matched.
sshd_effective() {
  if [ -n "${1:-}" ]; then sshd_run -ddd -T -C "$1"; else sshd_run -T; fi
}
# Whether the debug lines in $config show that the Nth Match line with the
# criteria $1 matched the connection.
block_triggered() {
  printf '%s\n' "$config" | awk -v c="$1" -v n="$2" '
    function norm(s) { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
    BEGIN { c = norm(c); p = "debug3: checking match for \047" }
    state && /^debug3: match found/ { found = 1; exit }
    state && /^debug3: match not found/ { exit }
    index($0, p) == 1 {
      s = substr($0, length(p) + 1); i = index(s, "\047 user ")
      if (i && norm(substr(s, 1, i - 1)) == c && ++k == n) state = 1
    }
    END { exit !found }'
}
# The value sshd uses for a keyword in $config (sshd -T prints keywords in
# lower case).
setting() { printf '%s\n' "$config" | awk -v k="$1" '$1 == k { print $2; exit }'; }
# sshd_config and the files it includes, in the order sshd reads them:
# "B<TAB>FILE" where a file starts, "L<TAB>FILE<TAB>N<TAB>TEXT" for each of its
# lines, an included file's lines right after its Include line, "E<TAB>FILE"
# where it ends (a Match block ends with the file it is in).
sshd_lines() (
  file=${1:-/etc/ssh/sshd_config}
  depth=${2:-0}
  { [ "$depth" -le 16 ] && [ -f "$file" ] && [ -r "$file" ]; } || exit 0
  printf 'B\t%s\n' "$file"
  awk -v f="$file" '{
      print "L\t" f "\t" NR "\t" $0
      line = $0; sub(/^[ \t]+/, "", line)
      n = split(line, w, /[ \t=]+/)
      if (tolower(w[1]) == "include")
        for (i = 2; i <= n && w[i] !~ /^#/; i++) { gsub(/"/, "", w[i]); print "I\t" w[i] }
    }' "$file" |
    while IFS= read -r record; do
      case $record in
        I"	"*)
          pattern=${record#I?}
          case $pattern in /*) ;; *) pattern=/etc/ssh/$pattern ;; esac
          # sshd expands the pattern with glob(3), sorted, like the shell.
          # shellcheck disable=SC2086
          for next in $pattern; do sshd_lines "$next" $((depth + 1)); done ;;
        *) printf '%s\n' "$record" ;;
      esac
    done
  printf 'E\t%s\n' "$file"
)
# The lines of sshd_lines that matter to this runbook: "M<TAB>FILE<TAB>N<TAB>
# BLOCK<TAB>NTH<TAB>CRITERIA" for each Match line (BLOCK numbers them from 1,
# NTH counts the Match lines with the same criteria), and
# "K<TAB>FILE<TAB>N<TAB>BLOCK<TAB>KEYWORD<TAB>VALUE<TAB>BEFORE<TAB>TEXT" for each
# line setting one of $keywords (lower case): BLOCK 0 outside Match blocks,
# BEFORE 1 if sshd reads it before the file $1 (a drop-in).
sshd_parse() {
  awk -F '\t' -v keys=" $keywords " -v dropin="${1:-}" '
    $1 == "B" { stack[++depth] = block; if ($2 == dropin) seen = 1; next }
    $1 == "E" { block = stack[depth--]; next }
    $1 != "L" { next }
    {
      text = $0; sub(/^L\t[^\t]*\t[^\t]*\t/, "", text)
      line = text; sub(/^[ \t]+/, "", line); sub(/[ \t\r]+$/, "", line)
      if (line == "" || line ~ /^#/) next
      key = line; sub(/[ \t=].*/, "", key); key = tolower(key)
      rest = substr(line, length(key) + 1); sub(/^[ \t]*=?[ \t]*/, "", rest)
      if (key == "match") {
        block = ++blocks
        same = rest; gsub(/[ \t]+/, " ", same)
        printf "M\t%s\t%s\t%d\t%d\t%s\n", $2, $3, block, ++nth[same], rest
        next
      }
      if (index(keys, " " key " ") == 0) next
      value = rest; sub(/[ \t].*/, "", value); gsub(/"/, "", value)
      printf "K\t%s\t%s\t%d\t%s\t%s\t%d\t%s\n", $2, $3, block, key, value, !seen, text
    }'
}
# Whether VALUE is matched by the sshd pattern list LIST (comma-separated,
# `*` and `?` wildcards, `!` negates): some pattern matches, no negated one.
matches_list() (
  set -f
  IFS=,
  found=1
  for p in $2; do
    # shellcheck disable=SC2254 # the patterns are globs on purpose
    case $p in
      '!'*) case $1 in ${p#!}) exit 1 ;; esac ;;
      *) case $1 in $p) found=0 ;; esac ;;
    esac
  done
  exit "$found"
)
# A value that the pattern list $2 of Match criterion $1 matches, nothing
# if none does (a list of only negated patterns never matches); a guess
# that may not match when every simple guess is negated.
match_value() (
  set -f
  IFS=,
  for p in $2; do
    case $p in '!'* | '') continue ;; esac
    case $1 in
      address | localaddress)
        v=$(printf '%s' "${p%%/*}" | tr '*?' '11')
        case $v in
          *::*) ;;
          *:*:*:*:*:*:*:*) ;;
          *:*) v=$v::1 ;;
          *[!0-9.]*) ;;
          *.*.*.*) ;;
          *.*.*) v=$v.1 ;;
          *.*) v=$v.1.1 ;;
          *) v=$v.1.1.1 ;;
        esac ;;
      *) v=$(printf '%s' "$p" | tr '*?' 'xx') ;;
    esac
    case $p in */*) printf '%s\n' "$v"; exit 0 ;; esac
    if matches_list "$v" "$2"; then printf '%s\n' "$v"; exit 0; fi
    first=${first:-$v}
  done
  # every guess is excluded by a negated pattern: sshd will say it does not match
  [ -z "${first:-}" ] || printf '%s\n' "$first"
)
# An account in a group that the pattern list $1 matches, and that the
# pattern list $2 (if any) matches.
group_member() {
  getent group | while IFS=: read -r name _ gid members; do
    matches_list "$name" "$1" || continue
    for u in $(printf '%s\n' "$members" | tr ',' ' ') $(getent passwd | awk -F: -v g="$gid" '$4 == g { print $1 }'); do
      if [ -z "$2" ] || matches_list "$u" "$2"; then printf '%s\n' "$u"; break 2; fi
    done
  done | head -n 1
}
# A connection that triggers the Match criteria $1, as an `sshd -T -C` spec:
# user $2 unless the criteria name users or groups, local port $3. Prints
# "-" if the criteria can never match, "?REASON" if no connection could be
# built. Unnamed addresses are RFC 5737 documentation addresses: they
# belong to no network, so they trigger only blocks that match any address.
match_spec() (
  set -f
  user=$2 users='' groups='' host='' addr='' laddr='' lport=$3 rdomain=''
  # shellcheck disable=SC2046
  set -- $(printf '%s\n' "$1" | tr '=' ' ')
  while [ "$#" -gt 0 ]; do
    criterion=$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')
    shift
    [ "$criterion" = all ] && continue
    [ "$#" -gt 0 ] || { echo "?Match $criterion without a pattern"; exit 0; }
    case $criterion in
      user) users=$1 ;;
      group) groups=$1 ;;
      host | address | localaddress | localport | rdomain)
        v=$(match_value "$criterion" "$1")
        [ -n "$v" ] || { echo -; exit 0; }
        case $criterion in
          host) host=$v ;; address) addr=$v ;; localaddress) laddr=$v ;;
          localport) lport=$v ;; rdomain) rdomain=$v ;;
        esac ;;
      *) echo "?Match criterion '$criterion' is not understood here"; exit 0 ;;
    esac
    shift
  done
  if [ -n "$groups" ]; then
    user=$(group_member "$groups" "$users")
    [ -n "$user" ] || { echo "?no account is in a group matching '$groups'${users:+ and matches '$users'}"; exit 0; }
  elif [ -n "$users" ]; then
    user=$(match_value user "$users")
    [ -n "$user" ] || { echo -; exit 0; }
  fi
  addr=${addr:-192.0.2.1}
  printf 'user=%s,host=%s,addr=%s,laddr=%s,lport=%s%s\n' "$user" "${host:-$addr}" "$addr" "${laddr:-198.51.100.1}" "$lport" "${rdomain:+,rdomain=$rdomain}"
)
# Runs check_config (the runbook's test of $config) on the configuration
# of every kind of connection: one that triggers no Match block, and for
# each Match block of sshd_config and its includes one that triggers it (one
# per user of $spec_users if the block names no user). A block no connection
# can be built for is checked line by line with value_ok. Prints the
# findings; returns 0 compliant, 1 non-compliant, 2 could not evaluate.
sshd_audit() {
  if ! config=$(sshd_effective); then
    echo "sshd -T could not evaluate the SSH server's configuration (its error is on stderr)"
    return 2
  fi
  if audit_out=$(check_config); then audit_status=0; else audit_status=$?; fi
  [ "$audit_status" -le 1 ] || { printf '%s\n' "$audit_out"; return "$audit_status"; }
  audit_found=''
  [ "$audit_status" = 0 ] || audit_found=$audit_out
  audit_port=$(setting port)
  audit_parsed=$(sshd_lines | sshd_parse '') || audit_parsed=''
  audit_blocks=0
  audit_matches=$(printf '%s\n' "$audit_parsed" | awk -F '\t' '$1 == "M"')
  while IFS='	' read -r _ m_file m_line m_block m_nth m_criteria; do
    [ -n "$m_block" ] || continue
    audit_blocks=$((audit_blocks + 1))
    where="Match $m_criteria ($m_file:$m_line)"
    for spec_user in $spec_users; do
      spec=$(match_spec "$m_criteria" "$spec_user" "${audit_port:-22}")
      case $spec in
        -) break ;;
        '?'*) why=${spec#?} ;;
        *) why=''
           if ! config=$(sshd_effective "$spec"); then
             why="sshd -T -C $spec failed"
           elif ! block_triggered "$m_criteria" "$m_nth"; then
             why="sshd does not confirm that $spec triggers it"
           fi ;;
      esac
      if [ -n "$why" ]; then
        lines=$(printf '%s\n' "$audit_parsed" | awk -F '\t' -v b="$m_block" '$1 == "K" && $4 == b { print $5 "\t" $6 }')
        while IFS='	' read -r key value; do
          [ -n "$key" ] || continue
          if ! value_ok "$key" "$value"; then
            audit_found="$audit_found${audit_found:+
}$where sets $key $value (no connection could be built to evaluate it: $why)"
            audit_status=1
          fi
        done <<LINES
$lines
LINES
        break
      fi
      if out=$(check_config); then continue; else rc=$?; fi
      [ "$rc" -le 1 ] || { printf '%s\n' "$out"; return "$rc"; }
      audit_status=1
      # the same finding as without Match blocks: said once
      [ "$out" != "$audit_out" ] || continue
      audit_found="$audit_found${audit_found:+
}$where, e.g. a connection $spec: $out"
    done
  done <<MATCHES
$audit_matches
MATCHES
  if [ "$audit_status" = 0 ]; then
    if [ "$audit_blocks" = 0 ]; then
      printf '%s\n' "$audit_out"
    else
      printf '%s (also with Match blocks applied: %s evaluated)\n' "$audit_out" "$audit_blocks"
    fi
  else
    printf '%s\n' "$audit_found"
  fi
  return "$audit_status"
}
# --- end of the shared part --------------------------------------------------
# --- the NixOS remediation, the same in LIN-SSH-001 … LIN-SSH-008 ---
# Changes only a host whose configuration is /etc/nixos/configuration.nix,
# switched on the host itself. Exits 3, having changed nothing, when the
# configuration is kept or built elsewhere: a flake (builds only what git
# tracks), a git-managed /etc/nixos, no configuration.nix, colmena or
# deploy-rs markers, or NIXOS_CONFIG / nixos-config= pointing elsewhere.
nixos_config_here() {
  why=''
  nix_config=${NIXOS_CONFIG:-}
  case ":${NIX_PATH:-}:" in
    *:nixos-config=*) nix_config=${NIX_PATH#*nixos-config=}; nix_config=${nix_config%%:*} ;;
  esac
  if [ -e /etc/nixos/flake.nix ]; then
    why="/etc/nixos/flake.nix exists: this host is built from a flake, which sees only files git tracks and may not use configuration.nix at all"
  elif [ -e /etc/nixos/.git ]; then
    why="/etc/nixos is a git repository: its configuration is managed there (and a new untracked file is invisible to a flake)"
  elif [ ! -f /etc/nixos/configuration.nix ]; then
    why="/etc/nixos/configuration.nix does not exist: this host is deployed from elsewhere (colmena, deploy-rs, NixOps, a CI pipeline)"
  elif [ -e /etc/nixos/hive.nix ] || grep -Eq '^[^#]*(deployment\.(targetHost|keys|tags)|deploy-rs|colmena)' /etc/nixos/configuration.nix; then
    why="/etc/nixos carries colmena or deploy-rs markers: this host is deployed from elsewhere"
  elif [ -n "$nix_config" ] && [ "$nix_config" != /etc/nixos/configuration.nix ]; then
    why="nixos-rebuild reads $nix_config (NIXOS_CONFIG or nixos-config= in NIX_PATH), not /etc/nixos/configuration.nix"
  fi
  [ -n "$why" ] || return 0
  echo "not changed: $why. A switch from here would be overwritten by the next deployment or would not contain the fix. Add this module to the configuration where it is kept, then deploy it:" >&2
  module_body >&2
  exit 3
}
nixos_config_here
preflight
module=/etc/nixos/comply/$id.nix
config=/etc/nixos/configuration.nix
mkdir -p /etc/nixos/comply
module_body > "$module"
if ! grep -q "./comply/$id.nix" "$config"; then
  grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/$id.nix to" >&2; exit 1; }
  sed -i "s|imports = \\[|imports = [ ./comply/$id.nix|" "$config"
fi
nixos-rebuild switch
if audit=$(sshd_audit); then :; else
  printf '%s\n' "$audit" >&2
  echo "after the switch the generated sshd_config still fails: a Match block (services.openssh.extraConfig) or another setting decides; change it in $config" >&2
  exit 1
fi
printf '%s\n' "$audit"
