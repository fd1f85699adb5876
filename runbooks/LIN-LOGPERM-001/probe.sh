# Compliant when no file under /var/log (on its file system) that other
# users can reach grants them any permission, except the files the suite
# allows (log_world_accessible_allowed). A directory without o+x closes
# everything below it (Debian's /var/log/unattended-upgrades is 0750
# root:adm), so its files are not open to every user whatever their mode.
# Logs hold user names, addresses and application messages that can
# contain ePHI, and a log anyone can write is no evidence.
# Also non-compliant: a logrotate stanza that recreates such a log with
# permissions for other users (`create 0644`): the next rotation undoes any
# chmod.
allowed=${COMPLY_INPUT_LOG_WORLD_ACCESSIBLE_ALLOWED:-}
[ -d /var/log ] || { echo "/var/log does not exist"; exit 2; }
if ! files=$(find /var/log -xdev \( -type d ! -perm -o=x -prune \) -o \( -type f -perm /o=rwx -print \)); then
  echo "could not search all of /var/log"
  exit 2
fi
open=$(printf '%s\n' "$files" | while IFS= read -r file; do
  [ -n "$file" ] || continue
  case " $allowed " in
    *" $file "*) continue ;;
  esac
  stat -c '%A %U:%G %n' "$file"
done)
status=0
if [ -n "$open" ]; then
  echo "$(printf '%s\n' "$open" | wc -l) log file(s) under /var/log are open to every user: $(printf '%s\n' "$open" | awk '{ print $3 }' | paste -sd' ' -)"
  printf '%s\n' "$open"
  status=1
fi
rotate=$(logrotate_open)
if [ -n "$rotate" ]; then
  echo "logrotate recreates logs open to every user at the next rotation: $(printf '%s\n' "$rotate" | awk -F '\t' '{ print $1 ":" $2 " (create " $3 " for" $4 ")" }' | paste -sd';' - | sed 's/;/; /g')"
  status=1
fi
[ "$status" = 0 ] || exit 1
echo "no log file under /var/log is open to every user, and no logrotate stanza recreates one so (allowed: ${allowed:-none})"
