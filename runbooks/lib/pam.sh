# lib/pam.sh — reading PAM stacks and the settings of their modules, shared
# by the probes and remediations of LIN-PAM-001 (stack, flow) and
# LIN-PAM-002 (stack, pwq_value). Defines functions only.
#
# Provides: stack SERVICE TYPE (a service's effective stack, includes
# expanded), flow (where pam_faillock's preauth and authfail stand in an
# auth stack) and pwq_value KEY DEFAULT (libpwquality's value of KEY).
# stack SERVICE TYPE: the TYPE lines of the service's effective PAM stack,
# as "CONTROL<TAB>MODULE ARGS", with Debian's `@include FILE` and the
# `TYPE include|substack FILE` directives expanded in place.
stack() {
  awk -v type="$2" '
    function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
    function expand(file, depth,    line, t, rest, ctl, w) {
      if (depth > 10) return
      while ((getline line < file) > 0) {
        sub(/#.*/, "", line); line = trim(line)
        if (line == "") continue
        if (line ~ /^@include[ \t]/) { expand("/etc/pam.d/" trim(substr(line, 9)), depth + 1); continue }
        t = line; sub(/[ \t].*/, "", t); sub(/^-/, "", t)
        if (t != type) continue
        rest = trim(substr(line, index(line, t) + length(t)))
        if (rest ~ /^\[/) { ctl = substr(rest, 1, index(rest, "]")); rest = trim(substr(rest, index(rest, "]") + 1)) }
        else { ctl = rest; sub(/[ \t].*/, "", ctl); rest = trim(substr(rest, length(ctl) + 1)) }
        if (ctl == "include" || ctl == "substack") { split(rest, w, /[ \t]+/); expand("/etc/pam.d/" w[1], depth + 1); continue }
        gsub(/[ \t]+/, " ", rest)
        print ctl "\t" rest
      }
      close(file)
    }
    BEGIN { expand("/etc/pam.d/" ARGV[1], 0); exit }' "$1"
}
# flow: reads a service's effective auth stack (stack SERVICE auth) and
# prints "PRE ok|missing|weak CONTROL|bypass CONTROL" — a pam_faillock.so
# preauth before pam_unix whose control ends the log-in when it refuses a
# locked account (requisite, required, or [...] with auth_err/default = die
# or bad), not one that only runs (optional, ignore), and none whose
# success ends the stack (sufficient, success=done): preauth succeeds for
# every account that is not locked, so that skips the password — and "FAIL
# ok|missing|unreachable LINE": a pam_faillock.so authfail after pam_unix
# that the stack reaches when pam_unix refuses the password (following
# each control's action; pam_permit succeeds, every other module fails),
# or the line that ends the stack before it (e.g. requisite pam_deny.so).
flow() {
  awk -F '\t' '
    function act(ctl, ret,    a, m, k, kv, v, d) {
      if (ctl == "required") return ret == "success" ? "ok" : "bad"
      if (ctl == "requisite") return ret == "success" ? "ok" : "die"
      if (ctl == "sufficient") return ret == "success" ? "done" : "ignore"
      if (ctl == "optional") return "ignore"
      gsub(/[][]/, "", ctl); m = split(ctl, a, /[ \t]+/); v = ""; d = "bad"
      for (k = 1; k <= m; k++) { split(a[k], kv, "="); if (kv[1] == ret) v = kv[2]; if (kv[1] == "default") d = kv[2] }
      return v != "" ? v : d
    }
    { ctl[NR] = $1; mod[NR] = $2 }
    $2 ~ /^pam_unix\.so/ && !unix { unix = NR }
    END {
      pre = "missing"
      for (i = 1; i < (unix ? unix : NR + 1); i++) {
        if (mod[i] !~ /^pam_faillock\.so/ || mod[i] !~ / preauth( |$)/) continue
        if (act(ctl[i], "success") == "done") { pre = "bypass " ctl[i]; break }
        a = act(ctl[i], "auth_err")
        if (a == "die" || a == "bad") pre = "ok"
        else if (pre != "ok") pre = "weak " ctl[i]
      }
      fail = "missing"
      for (i = unix + 1; unix && i <= NR; i++) if (mod[i] ~ /^pam_faillock\.so/ && mod[i] ~ / authfail( |$)/) fail = "unreachable"
      if (fail == "unreachable") {
        i = unix; ret = "auth_err"
        while (i <= NR) {
          if (mod[i] ~ /^pam_faillock\.so/ && mod[i] ~ / authfail( |$)/) { fail = "ok"; break }
          if (i != unix) ret = mod[i] ~ /^pam_permit\.so/ ? "success" : "auth_err"
          a = act(ctl[i], ret)
          if (a == "die" || a == "done") { fail = "unreachable " ctl[i] " " mod[i]; break }
          i += (a ~ /^[0-9]+$/) ? a + 1 : 1
        }
      }
      print "PRE " pre
      print "FAIL " fail
    }'
}
# pwquality.conf.d/*.conf in name order, then pwquality.conf, which
# libpwquality reads last: the last value of KEY wins, else DEFAULT.
pwq_value() {
  v=$(for f in /etc/security/pwquality.conf.d/*.conf /etc/security/pwquality.conf; do
        [ -r "$f" ] && sed -n "s/^[[:space:]]*$1[[:space:]]*=\{0,1\}[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$f"
      done | tail -n 1)
  echo "${v:-$2}"
}
