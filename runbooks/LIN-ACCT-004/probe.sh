# Compliant when /etc/shadow (and its backup /etc/shadow-, written by the
# shadow tools) is owned by root, its group is root or shadow, and its mode
# is 0640 or stricter: nobody else can read the password hashes and try to
# crack them offline.
[ -e /etc/shadow ] || { echo "/etc/shadow does not exist"; exit 2; }
status=0
good=
for file in /etc/shadow /etc/shadow-; do
  [ -e "$file" ] || continue
  if ! meta=$(stat -c '%a %U %G' "$file"); then
    echo "could not stat $file"
    exit 2
  fi
  read -r mode owner group <<META
$meta
META
  problems=
  # any permission beyond rw-r----- (or a set-id/sticky bit)
  [ -z "$(find "$file" -maxdepth 0 -perm /7137)" ] || problems="$problems, mode $mode is looser than 0640"
  [ "$owner" = root ] || problems="$problems, owned by $owner instead of root"
  case $group in
    root | shadow) ;;
    *) problems="$problems, group $group can read it" ;;
  esac
  if [ -n "$problems" ]; then
    echo "$file:${problems#,}"
    status=1
  else
    good="$good${good:+; }$file: mode $mode, $owner:$group"
  fi
done
[ -z "$good" ] || echo "$good"
exit "$status"
