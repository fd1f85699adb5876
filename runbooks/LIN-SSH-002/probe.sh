# Compliant when the SSH server's effective configuration (`sshd -T`) checks
# idle clients at least every ssh_client_alive_interval_max_s seconds and
# disconnects after at most ssh_client_alive_count_max unanswered checks, for
# a connection that triggers no Match block and for one that triggers each
# Match block (`sshd -T -C`).
PATH=$PATH:/usr/sbin:/sbin
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords='clientaliveinterval clientalivecountmax'
spec_users=nobody
max_interval=${COMPLY_INPUT_SSH_CLIENT_ALIVE_INTERVAL_MAX_S:-}
max_count=${COMPLY_INPUT_SSH_CLIENT_ALIVE_COUNT_MAX:-}
sshd_probe
