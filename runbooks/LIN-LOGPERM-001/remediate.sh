# Remove every permission of "other" users from the log files under
# /var/log they can reach (the probe's search), except the allowed ones.
# Owner and group permissions stay, so the daemons that write the logs and
# the adm group that reads them are not affected. A logrotate stanza that
# would recreate such a log open to others at the next rotation gets the
# same treatment (`create 0644` becomes `create 0640`) when it is a file of
# /etc/logrotate.d; one elsewhere (logrotate.conf's global `create`, or a
# file generated into the Nix store) is named for a person, and the
# remediation fails.
set -eu
allowed=${COMPLY_INPUT_LOG_WORLD_ACCESSIBLE_ALLOWED:-}
find /var/log -xdev \( -type d ! -perm -o=x -prune \) -o \( -type f -perm /o=rwx -print \) | while IFS= read -r file; do
  case " $allowed " in
    *" $file "*) continue ;;
  esac
  chmod o-rwx "$file"
  echo "$(stat -c '%A' "$file") $file"
done
status=0
rotate=$(logrotate_open)
# One create directive may serve several stanzas: fix each line once.
for where in $(printf '%s\n' "$rotate" | awk -F '\t' 'NF { print $1 ":" $2 ":" $3 }' | sort -u); do
  conf=${where%%:*}
  rest=${where#*:}
  line=${rest%%:*}
  mode=${rest#*:}
  tight=${mode%?}0
  case $conf in
    /etc/logrotate.d/*)
      if [ -f "$conf" ] && [ ! -L "$conf" ]; then
        sed -i -E "${line}s/^([[:space:]]*create[[:space:]]+)$mode([[:space:]]|\$)/\1$tight\2/" "$conf"
        if sed -n "${line}p" "$conf" | grep -Eq "^[[:space:]]*create[[:space:]]+$tight([[:space:]]|\$)"; then
          echo "$conf:$line: create $mode -> create $tight"
          continue
        fi
      fi ;;
  esac
  echo "$conf:$line: create $mode recreates logs open to every user at each rotation, and comply does not edit this file: change it (on NixOS: services.logrotate.settings.<name>.create)" >&2
  status=1
done
exit "$status"
