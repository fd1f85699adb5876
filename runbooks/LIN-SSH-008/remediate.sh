# Debian/Ubuntu: KexAlgorithms = the approved key exchange algorithms that this OpenSSH supports, in a
# drop-in that sorts first in /etc/ssh/sshd_config.d/ (sshd keeps the first
# value it reads); KexAlgorithms lines read before it (above the Include) are commented
# out. Validated with `sshd -t` (everything put back if rejected), then sshd
# is reloaded.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-008
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none (KexAlgorithms may not appear in a Match
# block, so the Match blocks cannot change it).
keywords=kexalgorithms
spec_users=nobody
approved=${COMPLY_INPUT_SSH_APPROVED_KEX:-}
alg_name=KexAlgorithms alg_words='key exchange algorithms' alg_input=ssh_approved_kex alg_query=kex
inputs_ok || exit 2
list=$(supported_list)
dropin_body() {
  echo "# Written by comply LIN-SSH-008 (45 CFR 164.312(e)(1), 164.312(e)(2)(ii))."
  echo "KexAlgorithms $list"
}
preflight() { :; }
sshd_remediate
