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
# Logrotate stanzas that recreate a log with permissions for other users
# (`create MODE` whose last digit is not 0, in the stanza or inherited from
# a global `create`): chmod alone is undone at the next rotation. One line
# per stanza: FILE <TAB> LINE of the create directive <TAB> MODE <TAB> paths.
# Only stanzas with a path under /var/log that is not allowed and whose
# directory other users can reach count.
logrotate_open() {
  for conf in /etc/logrotate.conf /etc/logrotate.d/*; do
    [ -f "$conf" ] || continue
    case $conf in
      *~ | *,v | *.cfsaved | *.disabled | *.dpkg-* | *.rhn-cfg-tmp-* | *.rpmnew | *.rpmorig | *.rpmsave | *.swp | *.ucf-*) continue ;;
    esac
    printf '%s\n' "$conf"
  done | { xargs -r awk '
    function emit(   mode, f, l) {
      if (nocreate) return
      if (screate) { mode = smode; f = sfile; l = sline } else { mode = gmode; f = gfile; l = gline }
      if (mode ~ /^[0-7][0-7][0-7][0-7]?$/ && mode !~ /0$/) print f "\t" l "\t" mode "\t" paths
    }
    FNR == 1 { depth = 0; script = 0; paths = "" }
    { line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line) }
    line == "" || line ~ /^#/ { next }
    script { if (line ~ /^endscript/) script = 0; next }
    depth == 0 {
      if (line ~ /^[\/"~{]/) {
        b = index(line, "{")
        if (b) {
          paths = paths " " substr(line, 1, b - 1); depth = 1
          screate = 0; smode = ""; nocreate = 0
          gsub(/"/, "", paths); gsub(/[ \t]+/, " ", paths)
        } else paths = paths " " line
        next
      }
      if ($1 == "create") { gmode = $2; gfile = FILENAME; gline = FNR }
      else if ($1 == "nocreate") gmode = ""
      next
    }
    line ~ /^(postrotate|prerotate|firstaction|lastaction|preremove)/ { script = 1; next }
    line ~ /^}/ { emit(); depth = 0; paths = ""; next }
    $1 == "create" { screate = 1; smode = $2; sfile = FILENAME; sline = FNR; next }
    $1 == "nocreate" { nocreate = 1; next }
  '; } | { set -f; while IFS="$(printf '\t')" read -r file line mode paths; do
    for path in $paths; do
      case $path in /var/log/*) ;; *) continue ;; esac
      case " $allowed " in *" $path "*) continue ;; esac
      dir=${path%/*}
      reach=yes
      while :; do
        if [ ! -d "$dir" ] || [ -z "$(find "$dir" -maxdepth 0 -perm -o=x)" ]; then reach=no; break; fi
        [ "$dir" = /var/log ] && break
        dir=${dir%/*}
      done
      if [ "$reach" = yes ]; then
        printf '%s\t%s\t%s\t%s\n' "$file" "$line" "$mode" "$paths"
        break
      fi
    done
  done; }
}
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
