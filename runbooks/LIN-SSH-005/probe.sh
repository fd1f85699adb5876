# Compliant when the SSH server's effective configuration (`sshd -T`:
# sshd_config and every file it includes, the first value winning) has
# PubkeyAuthentication yes, for a connection that triggers no Match block and
# for one that triggers each Match block (`sshd -T -C`): users can
# authenticate with a key pair rather than a reusable password.
PATH=$PATH:/usr/sbin:/sbin
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords=pubkeyauthentication
spec_users=nobody
sshd_probe
