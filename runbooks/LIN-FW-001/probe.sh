# Compliant when the netfilter ruleset loaded in the kernel (`nft list
# ruleset`, which shows nftables, iptables-nft, ufw and firewalld rules
# alike):
#  - drops inbound traffic by default: a filter chain on the input hook with
#    policy drop, or one that ends in an unconditional drop/reject (directly
#    or through the chains it jumps to, as NixOS's iptables firewall does),
#    for IPv4 and, where the host has IPv6 addresses, IPv6;
#  - in those chains and the chains they jump to, accepts no TCP/UDP
#    destination port outside firewall_allowed_tcp_ports /
#    firewall_allowed_udp_ports, and has no unconditional accept;
#  - is loaded again at boot (nftables, netfilter-persistent, ufw or
#    firewalld is enabled).
# Accept rules limited by source address, interface or connection state are
# exceptions a person reviews, not open ports.
PATH=$PATH:/usr/sbin:/sbin
tcp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_TCP_PORTS-}
udp_allowed=${COMPLY_INPUT_FIREWALL_ALLOWED_UDP_PORTS-}
case " $tcp_allowed $udp_allowed " in
  *[!0-9\ ]*) echo "inputs firewall_allowed_tcp_ports and firewall_allowed_udp_ports must be port numbers, got '$tcp_allowed' and '$udp_allowed'" >&2; exit 2 ;;
esac
in_container() {
  { command -v systemd-detect-virt >/dev/null 2>&1 && systemd-detect-virt --container --quiet; } ||
    [ -e /.dockerenv ] || [ -e /run/.containerenv ]
}
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
analysis=$(printf '%s\n' "$ruleset" | awk '
function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
# A rule without its counters and comment.
function bare(r) {
  gsub(/counter packets [0-9]+ bytes [0-9]+/, "", r); gsub(/(^| )counter( |$)/, " ", r)
  gsub(/comment "[^"]*"/, "", r); gsub(/[ \t]+/, " ", r); return trim(r)
}
# Whether chain c ends in an unconditional drop or reject (maybe through jumps).
function ends_denying(c, depth,    r, t) {
  if (depth > 16 || !(c in n) || n[c] == 0) return 0
  r = bare(rule[c, n[c]])
  if (r ~ /^(drop|reject)( |$)/) return 1
  if (r ~ /^(jump|goto) [^ ]+$/) { split(r, t, " "); return ends_denying(tabof[c] " " t[2], depth + 1) }
  return 0
}
{ line = $0; tabs = match(line, /[^\t]/) - 1; t = trim(line) }
tabs == 0 && t ~ /^table / { split(t, w, " "); fam = w[2]; tab = fam " " w[3]; chain = ""; set = ""; next }
tabs == 1 && t ~ /^chain / { split(t, w, " "); chain = tab " " w[2]; set = ""; tabof[chain] = tab; famof[chain] = fam; n[chain] = 0; next }
tabs == 1 && t ~ /^(set|map) / { split(t, w, " "); set = tab " @" w[2]; chain = ""; next }
tabs == 1 && t == "}" { chain = ""; set = ""; collecting = 0; next }
set != "" && (collecting || t ~ /^elements = /) {
  collecting = (t !~ /}/); sub(/^elements = \{/, "", t); sub(/}.*/, "", t); elems[set] = elems[set] "," t; next
}
chain != "" && t ~ /^type / {
  if (t ~ /hook input/) hook[chain] = 1
  if (t ~ /policy drop/) pol[chain] = "drop"
  next
}
chain != "" && t != "" { rule[chain, ++n[chain]] = t }
END {
  # base chains on the input hook that deny by default
  for (c in hook) {
    if (pol[c] == "drop" || ends_denying(c, 0)) {
      deny[c] = 1; print "BASE " c
      if (famof[c] == "inet" || famof[c] == "ip") print "V4"
      if (famof[c] == "inet" || famof[c] == "ip6") print "V6"
      queue[++q] = c
    }
  }
  # every chain they jump to
  for (i = 1; i <= q; i++) {
    c = queue[i]
    for (j = 1; j <= n[c]; j++) {
      s = rule[c, j]
      while (match(s, /(jump|goto) [^ ,}]+/)) {
        target = tabof[c] " " substr(s, RSTART + 5, RLENGTH - 5); s = substr(s, RSTART + RLENGTH)
        if ((target in n) && !(target in seen)) { seen[target] = 1; queue[++q] = target }
      }
    }
  }
  for (i = 1; i <= q; i++) {
    c = queue[i]
    if (done[c]++) continue
    for (j = 1; j <= n[c]; j++) {
      r = bare(rule[c, j])
      if (r == "accept") { print "ALL " c; continue }
      if (r !~ /(^| )accept( |$)/ || r !~ / dport /) continue
      if (!match(r, /(tcp|udp|th|sctp|dccp) dport /)) { print "PORT ? " r; continue }
      proto = substr(r, RSTART, RLENGTH); sub(/ dport $/, "", proto)
      spec = substr(r, RSTART + RLENGTH)
      if (spec ~ /^!=/) { print "PORT " proto " " spec; continue }
      if (spec ~ /^\{/) { sub(/^\{/, "", spec); sub(/}.*/, "", spec) }
      else if (spec ~ /^@/) { sub(/ .*/, "", spec); spec = elems[tabof[c] " " spec] }
      else sub(/ .*/, "", spec)
      m = split(spec, ports, /[ ,]+/)
      for (k = 1; k <= m; k++) if (ports[k] != "") print "PORT " proto " " ports[k]
    }
  }
}')
status=0
base=$(printf '%s\n' "$analysis" | sed -n 's/^BASE //p' | paste -sd';' -)
if ! printf '%s\n' "$analysis" | grep -qx V4; then
  echo "no netfilter chain on the input hook drops inbound IPv4 traffic by default"
  status=1
fi
if [ -s /proc/net/if_inet6 ] && ! printf '%s\n' "$analysis" | grep -qx V6; then
  echo "no netfilter chain on the input hook drops inbound IPv6 traffic by default"
  status=1
fi
all=$(printf '%s\n' "$analysis" | sed -n 's/^ALL //p' | paste -sd';' -)
if [ -n "$all" ]; then
  echo "unconditional accept in: $all"
  status=1
fi
open=
unapproved=
for entry in $(printf '%s\n' "$analysis" | sed -n 's/^PORT //p' | tr ' ' '/' | sort -u); do
  proto=${entry%%/*}
  port=${entry#*/}
  open="$open $proto/$port"
  case "$proto" in
    tcp) case " $tcp_allowed " in *" $port "*) continue ;; esac ;;
    udp) case " $udp_allowed " in *" $port "*) continue ;; esac ;;
    th) case " $tcp_allowed " in *" $port "*) case " $udp_allowed " in *" $port "*) continue ;; esac ;; esac ;;
  esac
  unapproved="$unapproved $proto/$port"
done
if [ -n "$unapproved" ]; then
  echo "inbound ports open outside the approved ones (tcp: ${tcp_allowed:-none}; udp: ${udp_allowed:-none}):$unapproved"
  status=1
fi
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
[ "$status" = 0 ] && echo "inbound traffic is dropped by default ($base); open:${open:- none}; loaded at boot by ${boot:-(no systemd: not checked)}"
exit "$status"
