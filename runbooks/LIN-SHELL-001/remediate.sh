# Debian/Ubuntu: /etc/profile.d/00-comply-LIN-SHELL-001.sh sets
# TMOUT=shell_timeout_s, read-only and exported, and sorts first so nothing
# after it can change the value. Other simple TMOUT lines (`TMOUT=...`,
# `readonly TMOUT=...`, `export TMOUT`, `declare -r TMOUT=...`) in
# /etc/profile, /etc/bash.bashrc and /etc/profile.d/*.sh are replaced by a
# no-op `:` line that keeps the original as a comment (and the shell
# syntax intact), so they no longer fight over the variable.
set -eu
max=${COMPLY_INPUT_SHELL_TIMEOUT_S:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input shell_timeout_s must be a whole number of seconds of at least 1, got '$max'" >&2; exit 2 ;;
esac
ours=/etc/profile.d/00-comply-LIN-SHELL-001.sh
stmt='((export|readonly|declare|typeset)([[:space:]]+-[[:alpha:]]+)*[[:space:]]+)?TMOUT(=[^;&|#[:space:]]*)?'
line="(${stmt}[[:space:]]*;[[:space:]]*)*${stmt}[[:space:]]*;?[[:space:]]*(#.*)?"
for file in /etc/profile /etc/bash.bashrc /etc/profile.d/*.sh; do
  [ -f "$file" ] && [ "$file" != "$ours" ] || continue
  if grep -Eq "^[[:space:]]*$line\$" "$file"; then
    sed -i -E "s/^([[:space:]]*)($line)\$/\\1: # comply LIN-SHELL-001 replaced: \\2/" "$file"
    echo "$file: its TMOUT lines are now comments; $ours sets TMOUT"
  fi
done
mkdir -p /etc/profile.d
cat > "$ours" <<SH
# Written by comply LIN-SHELL-001 (45 CFR 164.312(a)(2)(iii)): an interactive
# shell left idle for $max seconds exits, and users cannot change that.
if (TMOUT=$max) 2>/dev/null; then
  TMOUT=$max
  readonly TMOUT
  export TMOUT
fi
SH
chmod 0644 "$ours"
# What an interactive login shell now gets, for root and an unprivileged
# user (as the probe sees it).
shell=$(command -v bash) || shell=/bin/sh
for who in root nobody; do
  if [ "$who" = root ]; then
    # shellcheck disable=SC2016 # expanded by the login shell
    value=$(env -i HOME=/nonexistent PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb "$shell" -l -i -c 'printf "COMPLY-TMOUT=%s\n" "${TMOUT-unset}"' </dev/null 2>/dev/null | sed -n 's/^COMPLY-TMOUT=//p' | tail -n 1)
  elif command -v setpriv >/dev/null 2>&1; then
    # shellcheck disable=SC2016 # expanded by the login shell
    value=$(env -i HOME=/nonexistent PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb setpriv --reuid=65534 --regid=65534 --clear-groups "$shell" -l -i -c 'printf "COMPLY-TMOUT=%s\n" "${TMOUT-unset}"' </dev/null 2>/dev/null | sed -n 's/^COMPLY-TMOUT=//p' | tail -n 1)
  else
    continue
  fi
  if [ "$value" != "$max" ]; then
    echo "interactive login shells of $who still get TMOUT='$value': a startup file makes it read-only with another value before $ours runs, or changes it after:" >&2
    grep -n TMOUT /etc/profile /etc/bash.bashrc /etc/profile.d/*.sh >&2 || true
    exit 1
  fi
done
