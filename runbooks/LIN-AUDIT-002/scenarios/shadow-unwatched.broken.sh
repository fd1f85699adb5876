# fixtures: debian12-vm
# Account files are watched, but not the password hashes or sudo rights.
set -eu
printf '%s\n' '-w /etc/passwd -p wa -k identity' '-w /etc/group -p wa -k identity' > /etc/audit/rules.d/40-site.rules
augenrules --load
auditctl -l | grep -q -- '-w /etc/passwd'
