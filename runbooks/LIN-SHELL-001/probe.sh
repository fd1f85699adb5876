# Compliant when an interactive login shell that reads only the
# system-wide startup files ends up with TMOUT between 1 and
# shell_timeout_s seconds and read-only, for root and for an unprivileged
# user: bash then ends an interactive shell left idle that long, and a
# user cannot unset or raise it. The shell is bash (the login shell of
# Debian's users), else /bin/sh, started as `-l -i` — a login shell, and
# interactive, as at a console or an ssh session: it reads /etc/profile,
# which on Debian reads /etc/bash.bashrc (interactive shells only) and the
# /etc/profile.d scripts — with a harmless environment (no user's own
# files: HOME=/nonexistent; stdin /dev/null, so it reads no command). The
# unprivileged user is uid/gid 65534 (nobody), through setpriv, so a
# setting made only for root (or only for others) is seen.
max=${COMPLY_INPUT_SHELL_TIMEOUT_S:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input shell_timeout_s must be a whole number of seconds of at least 1, got '$max'" >&2; exit 2 ;;
esac
shell=$(command -v bash) || shell=/bin/sh
# shellcheck disable=SC2016 # expanded by the login shell
check='printf "COMPLY-TMOUT=%s\n" "${TMOUT-unset}"
if (unset TMOUT) 2>/dev/null; then echo COMPLY-MODE=writable; else echo COMPLY-MODE=read-only; fi'
where=$(grep -ls TMOUT /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc 2>/dev/null | paste -sd' ' -)
status=0
summary=
for who in root nobody; do
  if [ "$who" = root ]; then
    out=$(env -i HOME=/nonexistent PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb "$shell" -l -i -c "$check" </dev/null 2>/dev/null)
  elif command -v setpriv >/dev/null 2>&1; then
    out=$(env -i HOME=/nonexistent PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb setpriv --reuid=65534 --regid=65534 --clear-groups "$shell" -l -i -c "$check" </dev/null 2>/dev/null)
  else
    summary="$summary (no setpriv: not checked for an unprivileged user)"
    continue
  fi
  value=$(printf '%s\n' "$out" | sed -n 's/^COMPLY-TMOUT=//p' | tail -n 1)
  mode=$(printf '%s\n' "$out" | sed -n 's/^COMPLY-MODE=//p' | tail -n 1)
  if [ -z "$value" ] || [ -z "$mode" ]; then
    echo "an interactive login shell ($shell -l -i) failed to start for $who with the system-wide startup files"
    exit 2
  fi
  case "$value" in
    unset) echo "TMOUT is not set for interactive login shells of $who: idle shells never log out"; status=1; continue ;;
    '' | *[!0-9]* | 0) echo "TMOUT='$value' for interactive login shells of $who (${where:-no file names it}): idle shells never log out"; status=1; continue ;;
  esac
  if [ "$value" -gt "$max" ]; then
    echo "TMOUT=$value for $who (${where}): more than the allowed $max seconds"
    status=1
  fi
  if [ "$mode" != read-only ]; then
    echo "TMOUT=$value is not read-only for $who (${where}): a user can unset it"
    status=1
  fi
  summary="$summary $who: TMOUT=$value ($mode);"
done
[ "$status" = 0 ] && echo "interactive login shells ($shell):${summary%;}; set in $where; allowed: $max s"
exit "$status"
