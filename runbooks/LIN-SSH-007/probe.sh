# Compliant when every one of the MAC algorithms in the SSH server's effective
# configuration (`sshd -T`, MACs) is in the suite's ssh_approved_macs.
PATH=$PATH:/usr/sbin:/sbin
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none (MACs may not appear in a Match
# block, so the Match blocks cannot change it).
keywords=macs
spec_users=nobody
approved=${COMPLY_INPUT_SSH_APPROVED_MACS:-}
alg_name=MACs alg_words='MAC algorithms' alg_input=ssh_approved_macs alg_query=mac
sshd_probe
