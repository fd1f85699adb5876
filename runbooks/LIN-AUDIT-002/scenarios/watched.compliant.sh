# fixtures: debian12-vm
set -eu
for f in /etc/passwd /etc/shadow /etc/group /etc/gshadow /etc/sudoers /etc/sudoers.d; do
  echo "-w $f -p wa -k identity"
done > /etc/audit/rules.d/40-identity.rules
augenrules --load
auditctl -l | grep -q -- '-w /etc/shadow -p wa'
