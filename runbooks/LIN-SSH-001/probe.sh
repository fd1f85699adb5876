# Compliant when the SSH server's effective configuration (`sshd -T`:
# sshd_config and every file it includes, the first value winning) has
# PermitRootLogin no, for a connection that triggers no Match block and for
# one that triggers each Match block (`sshd -T -C`): every SSH login is by a
# named user.
PATH=$PATH:/usr/sbin:/sbin
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none: PermitRootLogin matters only
# for root.
keywords=permitrootlogin
spec_users=root
sshd_probe
