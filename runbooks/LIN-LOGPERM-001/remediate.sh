# Remove every permission of "other" users from the log files under
# /var/log they can reach (the probe's search), except the allowed ones.
# Owner and group permissions stay, so the daemons that write the logs and
# the adm group that reads them are not affected.
set -eu
allowed=${COMPLY_INPUT_LOG_WORLD_ACCESSIBLE_ALLOWED:-}
find /var/log -xdev \( -type d ! -perm -o=x -prune \) -o \( -type f -perm /o=rwx -print \) | while IFS= read -r file; do
  case " $allowed " in
    *" $file "*) continue ;;
  esac
  chmod o-rwx "$file"
  echo "$(stat -c '%A' "$file") $file"
done
