# Compliant when the SSH server's effective configuration (`sshd -T`)
# refuses passwords: PasswordAuthentication no, and keyboard-interactive
# (which asks for the same password through PAM) off unless the suite
# allows it (ssh_kbd_interactive_allowed, e.g. for a one-time-password
# second factor), for a connection that triggers no Match block and for one
# that triggers each Match block (`sshd -T -C`).
PATH=$PATH:/usr/sbin:/sbin
kbd_allowed=${COMPLY_INPUT_SSH_KBD_INTERACTIVE_ALLOWED:-}
# The keywords this runbook sets (lower case), and the users a connection
# spec tries where a Match block names none.
keywords='passwordauthentication kbdinteractiveauthentication challengeresponseauthentication'
[ "$kbd_allowed" != true ] || keywords=passwordauthentication
spec_users=nobody
sshd_probe
