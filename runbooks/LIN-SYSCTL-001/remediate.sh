# Debian/Ubuntu: a sysctl.d file that sorts after every numbered one (the
# last assignment wins), applied at once where /proc/sys is writable (not in
# a container, whose kernel is the host's).
set -eu
file=/etc/sysctl.d/zz-comply-LIN-SYSCTL-001.conf
cat > "$file" <<'CONF'
# Written by comply LIN-SYSCTL-001 (45 CFR 164.312(c)(1)): full address
# space layout randomization.
kernel.randomize_va_space = 2
CONF
if [ -w /proc/sys/kernel/randomize_va_space ]; then
  sysctl -q -p "$file"
fi
# Nothing may sort after it and assign the key again.
if command -v systemd-analyze >/dev/null 2>&1; then
  last=$(systemd-analyze cat-config sysctl.d | awk '
    /^# \// { file = $2; next }
    { line = $0; sub(/^[ \t]*-?/, "", line) }
    line ~ /^kernel[.\/]randomize_va_space[ \t]*=/ { where = file }
    END { print where }')
  if [ "$last" != "$file" ]; then
    echo "${last:-no file} has the last assignment of kernel.randomize_va_space, not $file: fix or remove it" >&2
    exit 1
  fi
fi
