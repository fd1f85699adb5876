# Debian/Ubuntu: PermitEmptyPasswords no in a drop-in that sorts first in
# /etc/ssh/sshd_config.d/ (sshd keeps the first value it reads, and Debian's
# sshd_config includes the drop-ins at its top); PermitEmptyPasswords lines
# that would still win (above the Include, or relaxing it in a Match block)
# are commented out. Validated with `sshd -t` (everything put back if
# rejected), then sshd is reloaded.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-004
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords=permitemptypasswords
spec_users=nobody
inputs_ok || exit 2
dropin_body() {
  echo "# Written by comply LIN-SSH-004 (45 CFR 164.312(d), 164.312(a)(1))."
  echo "PermitEmptyPasswords no"
}
preflight() { :; }
sshd_remediate
