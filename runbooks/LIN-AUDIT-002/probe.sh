# Compliant when the audit rules loaded in the kernel (`auditctl -l`) watch
# every path of audit_identity_files for writes and attribute changes
# (`-w PATH -p wa`, or `-F path=`/`-F dir=` with `-F perm=wa`), and, where
# rules are persisted in /etc/audit/rules.d (Debian's augenrules), so do the
# rules loaded at the next boot. NixOS loads its rules from the
# configuration at boot.
#
# Not applicable in a container whose kernel refuses audit control: the
# kernel accepts it only from its initial namespaces, so the audit rules
# belong to the host and must be checked there.
PATH=$PATH:/usr/sbin:/sbin
files=${COMPLY_INPUT_AUDIT_IDENTITY_FILES:-}
[ -n "$files" ] || { echo "input audit_identity_files is empty" >&2; exit 2; }
if command -v auditctl >/dev/null 2>&1; then
  loaded=$(auditctl -l 2>&1) || loaded_error=$loaded
else
  loaded_error="auditctl is not installed"
fi
if [ -n "${loaded_error:-}" ] && in_container; then
  echo "not applicable in a container: the kernel's audit rules belong to the host (auditctl -l: $(printf '%s' "$loaded_error" | head -n 1)); check them on the host"
  exit 77
fi
if ! command -v auditctl >/dev/null 2>&1; then
  echo "the audit tools (auditd, auditctl) are not installed: no audit rules are loaded"
  exit 1
fi
if [ -n "${loaded_error:-}" ]; then
  echo "auditctl -l failed: $loaded_error"
  exit 2
fi
# watches RULES PATH: whether a rule records writes and attribute changes of PATH
watches() {
  printf '%s\n' "$1" | awk -v want="$2" '
    { path = ""; perm = ""
      for (i = 1; i <= NF; i++) {
        if ($i == "-w") path = $(i + 1)
        else if ($i == "-p") perm = $(i + 1)
        else if ($i ~ /^(path|dir)=/) { path = $i; sub(/^[a-z]*=/, "", path) }
        else if ($i ~ /^perm=/) { perm = $i; sub(/^perm=/, "", perm) }
      }
      sub(/\/$/, "", path)
      if (path == want && perm ~ /w/ && perm ~ /a/) found = 1 }
    END { exit !found }'
}
persisted=
if [ -d /etc/audit/rules.d ]; then
  persisted=$(cat /etc/audit/rules.d/*.rules 2>/dev/null) || true
fi
status=0
missing_loaded=
missing_persisted=
for file in $files; do
  watches "$loaded" "$file" || missing_loaded="$missing_loaded $file"
  if [ -d /etc/audit/rules.d ]; then
    watches "$persisted" "$file" || missing_persisted="$missing_persisted $file"
  fi
done
if [ -n "$missing_loaded" ]; then
  echo "the loaded audit rules do not record changes to:$missing_loaded"
  status=1
fi
if [ -n "$missing_persisted" ]; then
  echo "the rules in /etc/audit/rules.d (loaded at boot) do not record changes to:$missing_persisted"
  status=1
fi
[ "$status" = 0 ] && echo "changes to $files are recorded (-p wa) now and after a reboot"
exit "$status"
