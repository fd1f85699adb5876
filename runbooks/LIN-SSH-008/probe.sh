# Compliant when every one of the key exchange algorithms in the SSH server's effective
# configuration (`sshd -T`, KexAlgorithms) is in the suite's ssh_approved_kex.
PATH=$PATH:/usr/sbin:/sbin
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none (KexAlgorithms may not appear in a Match
# block, so the Match blocks cannot change it).
keywords=kexalgorithms
spec_users=nobody
approved=${COMPLY_INPUT_SSH_APPROVED_KEX:-}
alg_name=KexAlgorithms alg_words='key exchange algorithms' alg_input=ssh_approved_kex alg_query=kex
sshd_probe
