# Compliant when the netfilter ruleset loaded in the kernel (`nft list
# ruleset`, which shows nftables, iptables-nft, ufw and firewalld rules
# alike) and, where nftables.service loads it at boot, the ruleset of its
# file (loaded into a scratch network namespace):
#  - drops inbound traffic by default: a filter chain on the input hook, in a
#    table that is not dormant, with policy drop, or one that ends in an
#    unconditional drop/reject (directly or through the chains it jumps to,
#    with no `return` on the way, as NixOS's iptables firewall does), for
#    IPv4 and, where IPv6 is enabled on an interface other than lo, IPv6;
#  - accepts, in those chains and the chains they jump to (a jump's
#    conditions carry over to the rules of the chain it enters), only:
#    loopback, replies (ct state established/related), ICMP, TCP/UDP
#    destination ports in firewall_allowed_tcp_ports /
#    firewall_allowed_udp_ports, and reviewed exceptions (limited to source
#    addresses, to link-local/multicast destinations, to port-forwarded
#    packets (ct status dnat, as firewalld writes), or to an interface
#    that does not carry a default route). Any other accept — bare, or
#    limited only by protocol (`meta l4proto { tcp, udp }`), by connection
#    state `new`, by a source port, or by the interface of a default route
#    — opens every port and fails;
#  - is loaded again at boot (nftables, netfilter-persistent, ufw or
#    firewalld is enabled).
PATH=$PATH:/usr/sbin:/sbin
tcp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_TCP_PORTS-}
udp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_UDP_PORTS-}
case " $tcp_allowed $udp_allowed " in
  *[!0-9\ ]*) echo "inputs firewall_allowed_tcp_ports and firewall_allowed_udp_ports must be port numbers, got '$tcp_allowed' and '$udp_allowed'" >&2; exit 2 ;;
esac
if ! command -v nft >/dev/null 2>&1; then
  echo "nftables (nft) is not installed: there is no host firewall this probe can read"
  exit 1
fi
if ! ruleset=$(nft list ruleset 2>&1); then
  if in_container; then
    echo "not applicable: this container may not read its netfilter rules ($(printf '%s' "$ruleset" | head -n 1)); its inbound traffic is filtered by the host"
    exit 77
  fi
  echo "nft list ruleset failed: $ruleset"
  exit 2
fi
# Interfaces that carry a default route: an accept limited to one of them
# accepts everything that arrives from outside.
uplinks=$({ ip -4 route show default; ip -6 route show default; } 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | sort -u | paste -sd' ' -)
# IPv6 is on when an interface other than lo has an IPv6 address
# (/proc/net/if_inet6; procfs files report size 0, so read them) or will
# get one (disable_ipv6 = 0).
ipv6=
if awk '$6 != "lo" { found = 1 } END { exit !found }' /proc/net/if_inet6 2>/dev/null; then
  ipv6=$(awk '$6 != "lo" { print $6 }' /proc/net/if_inet6 | sort -u | paste -sd' ' -)
else
  for f in /proc/sys/net/ipv6/conf/*/disable_ipv6; do
    name=${f%/disable_ipv6}
    name=${name##*/}
    case "$name" in all | default | lo | '*') continue ;; esac
    [ "$(cat "$f" 2>/dev/null)" = 0 ] && ipv6="${ipv6:+$ipv6 }$name"
  done
fi
# analyze: one line per finding about a ruleset on stdin.
analyze() {
  awk -v uplinks=" $uplinks " '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
# A rule without counters, comments and log statements (they match nothing).
function bare(r) {
  gsub(/counter packets [0-9]+ bytes [0-9]+/, "", r); gsub(/(^| )counter( |$)/, " ", r)
  gsub(/comment "[^"]*"/, "", r)
  gsub(/(^| )log( prefix "[^"]*")?( level [a-z]+)?( flags [a-z,]+)?( |$)/, " ", r)
  gsub(/[ \t]+/, " ", r); return trim(r)
}
# The value of "KEY [!=] VALUE" in rule e ("" when absent, "!VALUE" when negated).
function val(e, key,    rest, neg) {
  if (!match(e, "(^| )" key " ")) return ""
  rest = substr(e, RSTART + RLENGTH); neg = ""
  if (rest ~ /^!= /) { neg = "!"; rest = substr(rest, 4) }
  if (rest ~ /^\{/) rest = substr(rest, 1, index(rest, "}"))
  else if (rest ~ /^"/) rest = substr(rest, 1, index(substr(rest, 2), "\"") + 1)
  else sub(/ .*/, "", rest)
  return neg rest
}
# Splits a value ({ a, b } or "a" or a) into its items; returns their number.
function items(v, out,    m) { gsub(/[{}"]/, "", v); m = split(trim(v), out, /[ ,]+/); return m }
# Whether every item of v matches the regular expression re.
function all_match(v, re,    a, m, k) {
  if (v == "" || v ~ /^!/) return 0
  m = items(v, a); if (m == 0) return 0
  for (k = 1; k <= m; k++) if (a[k] !~ re) return 0
  return 1
}
# Whether chain c ends in an unconditional drop or reject (maybe through
# jumps), with no return that would send packets back to a policy accept.
function ends_denying(c, depth,    r, t, j) {
  if (depth > 16 || !(c in n) || n[c] == 0) return 0
  for (j = 1; j <= n[c]; j++) if (bare(rule[c, j]) ~ /(^| )return$/) return 0
  r = bare(rule[c, n[c]])
  if (r ~ /^(drop|reject)( |$)/) return 1
  if (r ~ /^(jump|goto) [^ ]+$/) { split(r, t, " "); return ends_denying(tabof[c] " " t[2], depth + 1) }
  return 0
}
# Judges an accept with the conditions e (those of the jumps that led to it
# included), found on the way "where".
function judge(e, where,    v, iface, proto, spec, m, k, ports, a, src) {
  iface = val(e, "iifname"); if (iface == "") iface = val(e, "iif")
  if (all_match(iface, "^lo$")) return
  if (all_match(val(e, "ct state"), "^(established|related)$")) return
  if (e ~ /(^| )icmp(v6)? (type|code) /) return
  v = val(e, "meta l4proto"); if (v == "") v = val(e, "ip protocol"); if (v == "") v = val(e, "ip6 nexthdr")
  if (all_match(v, "^(icmp|1|icmpv6|ipv6-icmp|58)$")) return
  v = val(e, "ip daddr"); if (v == "") v = val(e, "ip6 daddr")
  if (all_match(v, "^(fe[89ab][0-9a-f]:|ff[0-9a-f][0-9a-f]:|22[4-9]\\.|23[0-9]\\.)")) { print "EXC " where ": " e " (limited to link-local or multicast destinations)"; return }
  if (match(e, /(tcp|udp|th|sctp|dccp) dport /)) {
    proto = substr(e, RSTART, RLENGTH); sub(/ dport $/, "", proto)
    spec = substr(e, RSTART + RLENGTH)
    if (spec ~ /^!=/) { sub(/^!= /, "", spec); sub(/ .*/, "", spec); print "PORT " proto " all-but-" spec; return }
    if (spec ~ /^\{/) { sub(/^\{/, "", spec); sub(/}.*/, "", spec) }
    else if (spec ~ /^@/) { sub(/ .*/, "", spec); spec = elems[tabof_where[where] " " spec] }
    else sub(/ .*/, "", spec)
    m = split(spec, ports, /[ ,]+/)
    for (k = 1; k <= m; k++) if (ports[k] != "") print "PORT " proto " " ports[k]
    return
  }
  if (val(e, "ct status") ~ /^[{ ]*dnat[} ]*$/) { print "EXC " where ": " e " (packets a port forward rewrote: review the forwards)"; return }
  src = val(e, "ip saddr"); if (src == "") src = val(e, "ip6 saddr")
  if (src != "" && src !~ /^!/ && src !~ /(^|[{ ,])(0\.0\.0\.0|::)\/0([} ,]|$)/) { print "EXC " where ": " e " (limited to sources " src ")"; return }
  if (iface != "" && iface !~ /^!/ && iface !~ /\*/) {
    m = items(iface, a)
    for (k = 1; k <= m; k++) if (index(uplinks, " " a[k] " ")) { print "OPEN " where ": " e " (accepts everything arriving on " a[k] ", which carries a default route)"; return }
    print "EXC " where ": " e " (limited to interface " iface ", which carries no default route)"; return
  }
  print "OPEN " where ": " (e == "" ? "accept" : e " accept")
}
# Follows rule r of chain c (conditions so far: prefix).
function follow(c, prefix, r, depth, where,    conds, target, t) {
  if (match(r, /(^| )(jump|goto) [^ ]+$/)) {
    conds = substr(r, 1, RSTART - 1); t = substr(r, RSTART); sub(/^ /, "", t); sub(/^(jump|goto) /, "", t)
    target = tabof[c] " " t
    walk(target, trim(prefix " " conds), depth + 1, where " > " t)
    return
  }
  if (r ~ /(^| )accept$/) {
    conds = r; sub(/(^| )accept$/, "", conds)
    tabof_where[where] = tabof[c]
    judge(trim(prefix " " conds), where)
  }
}
function walk(c, prefix, depth, where,    j, r, sel, body, after, ent, m, k) {
  if (depth > 16 || !(c in n)) return
  for (j = 1; j <= n[c]; j++) {
    r = bare(rule[c, j])
    if (match(r, / vmap \{[^}]*\}/)) {
      sel = substr(r, 1, RSTART - 1); body = substr(r, RSTART + 7, RLENGTH - 8); after = substr(r, RSTART + RLENGTH)
      m = split(body, ent, ",")
      for (k = 1; k <= m; k++) {
        sub(/ : /, " ", ent[k])
        follow(c, prefix, trim(sel " " trim(ent[k]) after), depth, where)
      }
      continue
    }
    follow(c, prefix, r, depth, where)
  }
}
{ line = $0; tabs = match(line, /[^\t]/) - 1; t = trim(line) }
tabs == 0 && t ~ /^table / { split(t, w, " "); fam = w[2]; tab = fam " " w[3]; chain = ""; set = ""; next }
tabs == 1 && t == "flags dormant" { dormant[tab] = 1; next }
tabs == 1 && t ~ /^chain / { split(t, w, " "); chain = tab " " w[2]; set = ""; tabof[chain] = tab; famof[chain] = fam; n[chain] = 0; next }
tabs == 1 && t ~ /^(set|map) / { split(t, w, " "); set = tab " @" w[2]; chain = ""; next }
tabs == 1 && t == "}" { chain = ""; set = ""; collecting = 0; next }
set != "" && (collecting || t ~ /^elements = /) {
  collecting = (t !~ /}/); sub(/^elements = \{/, "", t); sub(/}.*/, "", t); elems[set] = elems[set] "," t; next
}
chain != "" && t ~ /^type / {
  if (t ~ /hook input/ && famof[chain] ~ /^(inet|ip|ip6)$/) hook[chain] = 1
  if (t ~ /policy drop/) pol[chain] = "drop"
  next
}
chain != "" && t != "" { rule[chain, ++n[chain]] = t }
END {
  for (c in hook) {
    if (tabof[c] in dormant) { print "DORMANT " tabof[c]; continue }
    if (pol[c] == "drop" || ends_denying(c, 0)) {
      print "BASE " c
      if (famof[c] == "inet" || famof[c] == "ip") print "V4"
      if (famof[c] == "inet" || famof[c] == "ip6") print "V6"
      split(c, w, " ")
      walk(c, "", 0, w[1] " " w[2] " " w[3])
    }
  }
}'
}
# verdict LABEL: judges the analysis on stdin; prints the findings, each
# prefixed with LABEL, and "OK <summary>" when there are none.
say() { found=1; echo "$1$2"; }
verdict() {
  analysis=$(cat)
  found=
  for t in $(printf '%s\n' "$analysis" | sed -n 's/^DORMANT //p' | tr ' ' '/' | sort -u); do
    say "$1" "table $(printf '%s' "$t" | tr '/' ' ') is dormant: its chains filter nothing"
  done
  printf '%s\n' "$analysis" | grep -qx V4 || say "$1" "no netfilter chain on the input hook drops inbound IPv4 traffic by default"
  if [ -n "$ipv6" ] && ! printf '%s\n' "$analysis" | grep -qx V6; then
    say "$1" "no netfilter chain on the input hook drops inbound IPv6 traffic by default, and IPv6 is enabled on $ipv6"
  fi
  open=$(printf '%s\n' "$analysis" | sed -n 's/^OPEN //p' | awk '!seen[$0]++')
  [ -z "$open" ] || say "$1" "accepts that open every port: $(printf '%s\n' "$open" | paste -sd';' - | sed 's/;/; /g')"
  ports=
  unapproved=
  for entry in $(printf '%s\n' "$analysis" | sed -n 's/^PORT //p' | tr ' ' '/' | sort -u); do
    proto=${entry%%/*}
    port=${entry#*/}
    ports="$ports $proto/$port"
    case "$proto" in
      tcp) case " $tcp_allowed " in *" $port "*) continue ;; esac ;;
      udp) case " $udp_allowed " in *" $port "*) continue ;; esac ;;
      th) case " $tcp_allowed " in *" $port "*) case " $udp_allowed " in *" $port "*) continue ;; esac ;; esac ;;
    esac
    unapproved="$unapproved $proto/$port"
  done
  [ -z "$unapproved" ] || say "$1" "inbound ports open outside the approved ones (tcp: ${tcp_allowed:-none}; udp: ${udp_allowed:-none}):$unapproved"
  [ -n "$found" ] && return 1
  exc=$(printf '%s\n' "$analysis" | sed -n 's/^EXC //p' | awk '!seen[$0]++' | paste -sd';' - | sed 's/;/; /g')
  echo "OK dropped by default ($(printf '%s\n' "$analysis" | sed -n 's/^BASE //p' | paste -sd';' -)); open:${ports:- none}${exc:+; exceptions to review: $exc}"
}
status=0
running=$(printf '%s\n' "$ruleset" | analyze | verdict "") || status=1
summary=$(printf '%s\n' "$running" | sed -n 's/^OK //p')
printf '%s\n' "$running" | grep -v '^OK ' | sed '/^$/d'
boot=
if [ -d /run/systemd/system ]; then
  for unit in nftables.service netfilter-persistent.service ufw.service firewalld.service; do
    if systemctl is-enabled --quiet "$unit" 2>/dev/null; then boot=$unit; break; fi
  done
  if [ -z "$boot" ]; then
    echo "no firewall service (nftables, netfilter-persistent, ufw, firewalld) is enabled: the rules are not loaded at boot"
    status=1
  fi
fi
# What nftables.service loads at boot (`nft -f FILE` in its ExecStart),
# judged the same way after loading it into a scratch network namespace.
bootnote=
if [ "$boot" = nftables.service ]; then
  file=$(systemctl show -p ExecStart nftables.service 2>/dev/null | sed -n 's/.*argv\[\]=[^;]*nft .*-f \([^ ;]*\).*/\1/p' | head -n 1)
  if [ -z "$file" ]; then
    bootnote="; the file nftables.service loads was not found in its ExecStart: not checked"
  elif ! loaded=$(NFT_FILE=$file unshare --net sh -c "nft -f \"\$NFT_FILE\" && nft list ruleset" 2>&1); then
    bootnote="; $file could not be loaded into a scratch network namespace to be checked ($(printf '%s' "$loaded" | head -n 1))"
  elif ! atboot=$(printf '%s\n' "$loaded" | analyze | verdict "at boot ($file): "); then
    printf '%s\n' "$atboot"
    status=1
  else
    bootnote="; $file loads the same policy at boot"
  fi
fi
[ "$status" = 0 ] && echo "inbound traffic is $summary; loaded at boot by ${boot:-(no systemd: not checked)}$bootnote"
exit "$status"
