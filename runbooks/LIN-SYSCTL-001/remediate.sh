# Debian/Ubuntu: a sysctl.d file that sorts after every numbered one (the
# last assignment wins for systemd-sysctl at boot), applied at once where
# /proc/sys is writable (not in a container, whose kernel is the host's).
# /etc/sysctl.conf is read last by `sysctl --system` (procps), after every
# drop-in, so no drop-in can win there: an assignment of the key in it
# with another value than 2 becomes a comment
# (`# comply LIN-SYSCTL-001 replaced: ...`); its other settings stay. The
# remediation fails, naming the file, when another file still has the last
# word in either order (one sorting after ours, e.g. in /run/sysctl.d).
set -eu
file=/etc/sysctl.d/zz-comply-LIN-SYSCTL-001.conf
conf=/etc/sysctl.conf
want='# Written by comply LIN-SYSCTL-001 (45 CFR 164.312(c)(1)): full address
# space layout randomization.
kernel.randomize_va_space = 2'
if [ "$(cat "$file" 2>/dev/null)" != "$want" ]; then
  printf '%s\n' "$want" > "$file"
fi
key='^[[:space:]]*-?kernel[./]randomize_va_space[[:space:]]*='
if [ -f "$conf" ] && grep -E "$key" "$conf" | grep -Evq "=[[:space:]]*2[[:space:]]*$"; then
  if [ -L "$conf" ]; then
    echo "$conf assigns kernel.randomize_va_space another value than 2 and is a link ($(readlink "$conf")): fix its target by hand" >&2
    exit 1
  fi
  sed -i -E "\|${key}[[:space:]]*2[[:space:]]*\$|!s|(${key}.*)\$|# comply LIN-SYSCTL-001 replaced: \\1|" "$conf"
  echo "$conf: its kernel.randomize_va_space lines are now comments ($file sets 2)"
fi
if [ -w /proc/sys/kernel/randomize_va_space ]; then
  sysctl -q -p "$file"
fi
# The last assignment must be 2 in either order ("VALUE FILE").
last() {
  awk '
    /^# \// { f = $2; next }
    { line = $0; sub(/^[ \t]*-?/, "", line) }
    line ~ /^kernel[.\/]randomize_va_space[ \t]*=/ { v = line; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]*$/, "", v); where = f }
    END { print v " " where }'
}
if command -v systemd-analyze >/dev/null 2>&1; then
  result=$(systemd-analyze cat-config sysctl.d | last)
  if [ "${result%% *}" != 2 ]; then
    echo "${result#* } has the last assignment of kernel.randomize_va_space for systemd-sysctl (${result%% *}), after $file: fix or remove it" >&2
    exit 1
  fi
fi
result=$(
  for dir in /etc/sysctl.d /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
    for f in "$dir"/*.conf; do [ -e "$f" ] && printf '%s %s\n' "${f##*/}" "$f"; done
  done | awk '!seen[$1]++ { print }' | sort -k1,1 | while read -r _ f; do printf '# %s\n' "$f"; cat "$f"; done
  [ -e "$conf" ] && { echo "# $conf"; cat "$conf"; }
)
result=$(printf '%s\n' "$result" | last)
if [ "${result%% *}" != 2 ]; then
  echo "${result#* } has the last assignment of kernel.randomize_va_space for \`sysctl --system\` (${result%% *}), after $file: fix or remove it" >&2
  exit 1
fi
