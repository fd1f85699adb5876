# Debian/Ubuntu: a rules file in /etc/audit/rules.d with a `-w PATH -p wa -k
# identity` watch per path, compiled and loaded with `augenrules --load` (as
# auditd does at every start). Installs auditd when missing.
set -eu
PATH=$PATH:/usr/sbin:/sbin
files=${COMPLY_INPUT_AUDIT_IDENTITY_FILES:-}
[ -n "$files" ] || { echo "input audit_identity_files is empty" >&2; exit 2; }
if ! command -v augenrules >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q auditd
fi
rules=/etc/audit/rules.d/50-comply-LIN-AUDIT-002.rules
mkdir -p /etc/audit/rules.d
# A path another rules file already watches for writes and attribute
# changes is left to it: the kernel refuses a second identical rule, and
# augenrules would then load none of the rules.
watched_elsewhere() {
  for other in /etc/audit/rules.d/*.rules; do
    [ -f "$other" ] && [ "$other" != "$rules" ] || continue
    grep -Eq -- "^-w $1 -p [rwxa]*w[rwxa]*( |$)" "$other" \
      && grep -Eq -- "^-w $1 -p [rwxa]*a[rwxa]*( |$)" "$other" && return 0
  done
  return 1
}
{
  echo "## Written by comply LIN-AUDIT-002 (45 CFR 164.312(b)): record changes to"
  echo "## accounts, groups, passwords and sudo rights."
  for file in $files; do
    if watched_elsewhere "$file"; then
      echo "## $file: watched by another rules file"
    else
      echo "-w $file -p wa -k identity"
    fi
  done
} > "$rules"
chmod 0640 "$rules"
if auditctl -s | grep -qx 'enabled 2'; then
  echo "the loaded audit rules are immutable (-e 2): $rules takes effect at the next reboot" >&2
  exit 1
fi
augenrules --load
