# Debian/Ubuntu: the bounds themselves in a drop-in that sorts first in
# /etc/ssh/sshd_config.d/ (sshd keeps the first value it reads); ClientAlive*
# lines that would still win (above the Include, or out of bounds in a Match
# block) are commented out. Validated with `sshd -t` (everything put back if
# rejected), then sshd is reloaded.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-002
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords='clientaliveinterval clientalivecountmax'
spec_users=nobody
max_interval=${COMPLY_INPUT_SSH_CLIENT_ALIVE_INTERVAL_MAX_S:-}
max_count=${COMPLY_INPUT_SSH_CLIENT_ALIVE_COUNT_MAX:-}
inputs_ok || exit 2
dropin_body() {
  echo "# Written by comply LIN-SSH-002 (45 CFR 164.312(a)(2)(iii))."
  echo "ClientAliveInterval $max_interval"
  echo "ClientAliveCountMax $max_count"
}
preflight() { :; }
sshd_remediate
