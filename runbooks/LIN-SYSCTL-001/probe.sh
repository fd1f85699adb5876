# Compliant when the sysctl configuration sets kernel.randomize_va_space = 2
# (full ASLR, which makes memory-corruption exploits much harder) as the
# last assignment in both orders the files are applied in:
#  - systemd-sysctl's, at boot (`systemd-analyze cat-config sysctl.d`: the
#    sysctl.d files sorted by name; /etc/sysctl.conf only through Debian's
#    link /etc/sysctl.d/99-sysctl.conf);
#  - procps' `sysctl --system` (run by administrators and package scripts),
#    which reads the same files and then /etc/sysctl.conf once more, last,
#    so a value there beats every drop-in, however late it sorts;
# and the running kernel, where /proc/sys is readable, uses 2. In a
# container /proc/sys is the host kernel's, read-only.
# The procps order by hand: file names sorted across the directories, the
# first directory winning for a name, then /etc/sysctl.conf.
procps=$(
  for dir in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
    for f in "$dir"/*.conf; do [ -e "$f" ] && printf '%s %s\n' "${f##*/}" "$f"; done
  done | awk '!seen[$1]++ { print }' | sort -k1,1 | while read -r _ f; do printf '# %s\n' "$f"; cat "$f"; done
  [ -e /etc/sysctl.conf ] && { echo '# /etc/sysctl.conf'; cat /etc/sysctl.conf; }
)
# last: the last assignment of the key on stdin ("VALUE FILE"; "-" before
# a key only means "ignore errors"; "/" may separate the key's parts).
last() {
  awk '
    /^# \// { file = $2; next }
    { line = $0; sub(/^[ \t]*-?/, "", line) }
    line ~ /^kernel[.\/]randomize_va_space[ \t]*=/ {
      value = line; sub(/^[^=]*=[ \t]*/, "", value); sub(/[ \t]*$/, "", value); where = file
    }
    END { if (where != "") print value " " where }'
}
status=0
found=
if config=$(systemd-analyze cat-config sysctl.d 2>/dev/null); then
  boot=$(printf '%s\n' "$config" | last)
  if [ -z "$boot" ]; then
    echo "kernel.randomize_va_space is not set in any file systemd-sysctl applies at boot: nothing guarantees full ASLR at boot"
    status=1
  else
    found="${boot#* } (systemd-sysctl)"
    if [ "${boot%% *}" != 2 ]; then
      echo "kernel.randomize_va_space = ${boot%% *} in ${boot#* }, the last assignment systemd-sysctl applies at boot: ASLR is not fully enabled"
      status=1
    fi
  fi
fi
if command -v sysctl >/dev/null 2>&1 || [ -z "$found" ]; then
  system=$(printf '%s\n' "$procps" | last)
  if [ -n "$system" ]; then
    found="${found:+$found, }${system#* } (sysctl --system)"
    if [ "${system%% *}" != 2 ]; then
      echo "kernel.randomize_va_space = ${system%% *} in ${system#* }, the last assignment \`sysctl --system\` applies (it reads /etc/sysctl.conf after every sysctl.d file): ASLR is not fully enabled after it runs"
      status=1
    fi
  fi
fi
if [ -z "$found" ] && [ "$status" = 0 ]; then
  echo "kernel.randomize_va_space is not set in any sysctl file: nothing guarantees full ASLR at boot"
  status=1
fi
runtime=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null) || runtime=
if [ -n "$runtime" ] && [ "$runtime" != 2 ]; then
  echo "the running kernel has kernel.randomize_va_space = $runtime"
  status=1
fi
[ "$status" = 0 ] && echo "kernel.randomize_va_space = 2, last set in $found; running kernel: ${runtime:-not readable}"
exit "$status"
