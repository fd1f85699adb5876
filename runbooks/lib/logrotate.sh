# lib/logrotate.sh — logrotate `create` modes that would reopen logs to
# other users, shared by the probe and remediation of LIN-LOGPERM-001.
# Defines functions only. Reads $allowed (log_world_accessible_allowed).
#
# Provides: logrotate_open.
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
