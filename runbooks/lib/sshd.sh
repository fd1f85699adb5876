# lib/sshd.sh — reading and judging sshd's configuration, shared by the
# probes and remediations of LIN-SSH-001 … LIN-SSH-008 (runbook.toml:
# lib = ["sshd.sh", …]). Defines functions only; prepended to every script
# of those runbooks.
#
# Provides: sshd_run, sshd_effective, block_triggered, setting, sshd_lines,
# sshd_parse, matches_list, match_value, group_member, match_spec,
# sshd_audit (the effective configuration with and without each Match
# block), and sshd_probe (the whole probe).
#
# The runbook script defines, before calling them: $keywords (the keywords
# it sets, lower case), $spec_users (the users a connection spec tries
# where a Match block names none), inputs_ok, value_ok KEYWORD VALUE and
# check_config (its test of one effective configuration, $config).
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
# The probe of LIN-SSH-001 … LIN-SSH-008: not applicable without sshd or
# its configuration; 2 on bad inputs; else sshd_audit's verdict.
sshd_probe() {
  command -v sshd >/dev/null 2>&1 || { echo "the OpenSSH server (sshd) is not installed: this host accepts no SSH logins"; exit 77; }
  [ -e /etc/ssh/sshd_config ] || { echo "sshd is installed but /etc/ssh/sshd_config does not exist: the SSH server cannot start"; exit 77; }
  inputs_ok || exit 2
  sshd_audit
}
