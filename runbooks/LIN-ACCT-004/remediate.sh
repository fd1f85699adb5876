# Owner root, group shadow (root where there is no shadow group), and no
# permission beyond 0640, changing only what is wrong.
set -eu
group=root
getent group shadow >/dev/null && group=shadow
for file in /etc/shadow /etc/shadow-; do
  [ -e "$file" ] || continue
  [ "$(stat -c %U "$file")" = root ] || chown root "$file"
  case $(stat -c %G "$file") in
    root | shadow) ;;
    *) chgrp "$group" "$file" ;;
  esac
  chmod u-xs,g-wxs,o-rwxt "$file"
  echo "$file: $(stat -c '%a %U:%G' "$file")"
done
