# Compliant when a login shell that reads only the system-wide startup files
# (/etc/profile and the /etc/profile.d scripts it runs; no user's own files)
# ends up with TMOUT between 1 and shell_timeout_s seconds and read-only:
# bash then ends an interactive shell left idle that long, and a user cannot
# unset or raise it. The shell is bash (the login shell of Debian's users),
# else /bin/sh.
max=${COMPLY_INPUT_SHELL_TIMEOUT_S:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input shell_timeout_s must be a whole number of seconds of at least 1, got '$max'" >&2; exit 2 ;;
esac
shell=$(command -v bash) || shell=/bin/sh
if ! out=$(env -i HOME=/nonexistent PATH=/usr/local/bin:/usr/bin:/bin TERM=dumb "$shell" -l -c '
    printf "%s\n" "${TMOUT-unset}"
    if (unset TMOUT) 2>/dev/null; then echo writable; else echo read-only; fi' 2>/dev/null); then
  echo "a login shell ($shell -l) failed to start with the system-wide startup files"
  exit 2
fi
value=$(printf '%s\n' "$out" | sed -n 1p)
mode=$(printf '%s\n' "$out" | sed -n 2p)
where=$(grep -ls TMOUT /etc/profile /etc/profile.d/*.sh /etc/bash.bashrc 2>/dev/null | paste -sd' ' -)
status=0
case "$value" in
  unset) echo "TMOUT is not set for login shells: idle shells never log out"; exit 1 ;;
  '' | *[!0-9]* | 0) echo "TMOUT='$value' for login shells (${where:-no file names it}): idle shells never log out"; exit 1 ;;
esac
if [ "$value" -gt "$max" ]; then
  echo "TMOUT=$value (${where}): more than the allowed $max seconds"
  status=1
fi
if [ "$mode" != read-only ]; then
  echo "TMOUT=$value is not read-only (${where}): a user can unset it"
  status=1
fi
[ "$status" = 0 ] && echo "TMOUT=$value, read-only, for login shells ($shell; set in $where; allowed: $max s)"
exit "$status"
