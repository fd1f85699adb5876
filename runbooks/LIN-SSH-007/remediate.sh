# Debian/Ubuntu: MACs = the approved MAC algorithms that this OpenSSH supports, in a
# drop-in that sorts first in /etc/ssh/sshd_config.d/ (sshd keeps the first
# value it reads); MACs lines read before it (above the Include) are commented
# out. Validated with `sshd -t` (everything put back if rejected), then sshd
# is reloaded.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-007
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none (MACs may not appear in a Match
# block, so the Match blocks cannot change it).
keywords=macs
spec_users=nobody
approved=${COMPLY_INPUT_SSH_APPROVED_MACS:-}
alg_name=MACs alg_words='MAC algorithms' alg_input=ssh_approved_macs alg_query=mac
inputs_ok || exit 2
list=$(supported_list)
dropin_body() {
  echo "# Written by comply LIN-SSH-007 (45 CFR 164.312(e)(1), 164.312(e)(2)(i))."
  echo "MACs $list"
}
preflight() { :; }
sshd_remediate
