# Compliant when no file under /var/log (on its file system) that other
# users can reach grants them any permission, except the files the suite
# allows (log_world_accessible_allowed). A directory without o+x closes
# everything below it (Debian's /var/log/unattended-upgrades is 0750
# root:adm), so its files are not open to every user whatever their mode.
# Logs hold user names, addresses and application messages that can
# contain ePHI, and a log anyone can write is no evidence.
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
if [ -n "$open" ]; then
  echo "$(printf '%s\n' "$open" | wc -l) log file(s) under /var/log are open to every user: $(printf '%s\n' "$open" | awk '{ print $3 }' | paste -sd' ' -)"
  printf '%s\n' "$open"
  exit 1
fi
echo "no log file under /var/log is open to every user (allowed: ${allowed:-none})"
