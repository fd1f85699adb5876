# Compliant when every one of the ciphers in the SSH server's effective
# configuration (`sshd -T`, Ciphers) is in the suite's ssh_approved_ciphers.
PATH=$PATH:/usr/sbin:/sbin
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none (Ciphers may not appear in a Match
# block, so the Match blocks cannot change it).
keywords=ciphers
spec_users=nobody
approved=${COMPLY_INPUT_SSH_APPROVED_CIPHERS:-}
alg_name=Ciphers alg_words=ciphers alg_input=ssh_approved_ciphers alg_query=cipher
sshd_probe
