# Debian/Ubuntu: PasswordAuthentication no (and KbdInteractiveAuthentication
# no unless allowed) in a drop-in that sorts first in /etc/ssh/sshd_config.d/
# (sshd keeps the first value it reads, so this also beats cloud-init's
# 50-cloud-init.conf); lines that would still win (above the Include, or
# allowing passwords in a Match block) are commented out. Validated with
# `sshd -t` (everything put back if rejected), then sshd is reloaded. Refuses
# (exit 3, nothing changed) unless an administrator can still log in with a
# key, or ssh_break_glass_account names who can.
set -eu
PATH=$PATH:/usr/sbin:/sbin
id=LIN-SSH-003
kbd_allowed=${COMPLY_INPUT_SSH_KBD_INTERACTIVE_ALLOWED:-}
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords='passwordauthentication kbdinteractiveauthentication challengeresponseauthentication'
[ "$kbd_allowed" != true ] || keywords=passwordauthentication
spec_users=nobody
inputs_ok || exit 2
dropin_body() {
  echo "# Written by comply LIN-SSH-003 (45 CFR 164.312(d))."
  echo "PasswordAuthentication no"
  [ "$kbd_allowed" = true ] || echo "KbdInteractiveAuthentication no"
}
what="password login"
preflight() { lockout_guard; }
sshd_remediate
