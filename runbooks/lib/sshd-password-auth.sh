# lib/sshd-password-auth.sh — the check of LIN-SSH-003
# (PasswordAuthentication no and keyboard-interactive off), shared by its
# probe and remediations: the hooks lib/sshd.sh and lib/sshd-remediate.sh
# call. Defines functions only; the runbook script sets $keywords,
# $spec_users and its inputs before calling them.
inputs_ok() {
  case "$kbd_allowed" in
    true | false) ;;
    *) echo "input ssh_kbd_interactive_allowed must be true or false, got '$kbd_allowed'" >&2; return 1 ;;
  esac
}
# Whether VALUE (as written in a configuration file) for KEYWORD is compliant.
value_ok() { [ "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" = no ]; }
# The runbook's test of one effective configuration ($config).
check_config() {
  password=$(setting passwordauthentication)
  kbd=$(setting kbdinteractiveauthentication)
  pam=$(setting usepam)
  [ -n "$password" ] && [ -n "$kbd" ] || { echo "sshd -T did not report PasswordAuthentication and KbdInteractiveAuthentication"; return 2; }
  found='' sep='; '
  if [ "$password" != no ]; then
    found="PasswordAuthentication $password: SSH accepts a password instead of a key"
  fi
  if [ "$kbd" != no ] && [ "$pam" = yes ] && [ "$kbd_allowed" = false ]; then
    found="$found${found:+$sep}KbdInteractiveAuthentication $kbd with UsePAM yes: SSH still asks for the password through PAM (keyboard-interactive)"
  fi
  if [ -n "$found" ]; then
    echo "$found"
    return 1
  fi
  echo "PasswordAuthentication no, KbdInteractiveAuthentication $kbd (UsePAM ${pam:-no}, keyboard-interactive allowed: $kbd_allowed): SSH logins need a key"
}
