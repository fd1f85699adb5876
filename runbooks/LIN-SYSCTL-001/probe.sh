# Compliant when the sysctl configuration applied at boot sets
# kernel.randomize_va_space = 2 (full ASLR, which makes memory-corruption
# exploits much harder), the last assignment winning in the order
# systemd-sysctl reads the sysctl.d files (`systemd-analyze cat-config`),
# and the running kernel, where /proc/sys is readable, uses 2. In a
# container /proc/sys is the host kernel's, read-only.
if config=$(systemd-analyze cat-config sysctl.d 2>/dev/null); then
  :
else
  # No systemd-analyze: the same order by hand (file names sorted across
  # the directories, the first directory winning for a name), then
  # /etc/sysctl.conf, which procps' `sysctl --system` reads last.
  config=$(
    for dir in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
      for f in "$dir"/*.conf; do [ -e "$f" ] && printf '%s %s\n' "${f##*/}" "$f"; done
    done | awk '!seen[$1]++ { print }' | sort -k1,1 | while read -r _ f; do printf '# %s\n' "$f"; cat "$f"; done
    [ -e /etc/sysctl.conf ] && { echo '# /etc/sysctl.conf'; cat /etc/sysctl.conf; }
  )
fi
# The last assignment and the file it is in ("-" before a key only means
# "ignore errors"; "/" may separate the key's parts).
last=$(printf '%s\n' "$config" | awk '
  /^# \// { file = $2; next }
  { line = $0; sub(/^[ \t]*-?/, "", line) }
  line ~ /^kernel[.\/]randomize_va_space[ \t]*=/ {
    value = line; sub(/^[^=]*=[ \t]*/, "", value); sub(/[ \t]*$/, "", value); where = file
  }
  END { if (where != "") print value " " where }')
value=${last%% *}
where=${last#* }
status=0
if [ -z "$last" ]; then
  echo "kernel.randomize_va_space is not set in any sysctl.d file: nothing guarantees full ASLR at boot"
  status=1
elif [ "$value" != 2 ]; then
  echo "kernel.randomize_va_space = $value in $where: ASLR is not fully enabled at boot"
  status=1
fi
runtime=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null) || runtime=
if [ -n "$runtime" ] && [ "$runtime" != 2 ]; then
  echo "the running kernel has kernel.randomize_va_space = $runtime"
  status=1
fi
[ "$status" = 0 ] && echo "kernel.randomize_va_space = 2 in $where, running kernel: ${runtime:-not readable}"
exit "$status"
