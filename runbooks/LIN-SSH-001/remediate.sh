# Debian/Ubuntu: PermitRootLogin no in a drop-in that sorts first in
# /etc/ssh/sshd_config.d/ (sshd keeps the first value it reads, and Debian's
# sshd_config includes the drop-ins at its top); PermitRootLogin lines that
# would still win (above the Include, or relaxing it in a Match block) are
# commented out. Validated with `sshd -t` (everything put back if rejected),
# then sshd is reloaded. Refuses (exit 3, nothing changed) unless an
# administrator can still log in with a key, or ssh_break_glass_account names
# who can.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-001
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none: PermitRootLogin matters only
# for root.
keywords=permitrootlogin
spec_users=root
inputs_ok || exit 2
dropin_body() {
  echo "# Written by comply LIN-SSH-001 (45 CFR 164.312(a)(2)(i), 164.312(a)(1))."
  echo "PermitRootLogin no"
}
what="root login"
preflight() { lockout_guard; }
sshd_remediate
