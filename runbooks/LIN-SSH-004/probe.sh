# Compliant when the SSH server's effective configuration (`sshd -T`:
# sshd_config and every file it includes, the first value winning) has
# PermitEmptyPasswords no, for a connection that triggers no Match block and
# for one that triggers each Match block (`sshd -T -C`): an account with an
# empty password cannot log in over SSH.
PATH=$PATH:/usr/sbin:/sbin
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords=permitemptypasswords
spec_users=nobody
sshd_probe
