# Compliant when the SSH server's effective configuration (`sshd -T`)
# refuses passwords: PasswordAuthentication no, and keyboard-interactive
# (which asks for the same password through PAM) off unless the suite
# allows it (ssh_kbd_interactive_allowed, e.g. for a one-time-password
# second factor).
PATH=$PATH:/usr/sbin:/sbin
# sshd's effective configuration as sshd itself reads it (`sshd -T`). sshd
# refuses to run without its privilege separation directory, which systemd
# removes while the service is stopped: then evaluate it in a private mount
# namespace with a throwaway /run, which changes nothing on the host.
sshd_effective() {
  out=$(sshd -T 2>&1) && { printf '%s\n' "$out"; return 0; }
  case $out in
    *'Missing privilege separation directory: /run/'*)
      dir=${out##*directory: }
      dir=${dir%%[!A-Za-z0-9/._-]*}
      unshare --mount sh -c 'mount -t tmpfs -o mode=0755 comply /run && mkdir -p "$1" && exec sshd -T' sh "$dir" ;;
    *) printf '%s\n' "$out" >&2; return 1 ;;
  esac
}
command -v sshd >/dev/null 2>&1 || { echo "the OpenSSH server (sshd) is not installed: this host accepts no SSH logins"; exit 77; }
[ -e /etc/ssh/sshd_config ] || { echo "sshd is installed but /etc/ssh/sshd_config does not exist: the SSH server cannot start"; exit 77; }
kbd_allowed=${COMPLY_INPUT_SSH_KBD_INTERACTIVE_ALLOWED:-}
case "$kbd_allowed" in
  true | false) ;;
  *) echo "input ssh_kbd_interactive_allowed must be true or false, got '$kbd_allowed'" >&2; exit 2 ;;
esac
if ! config=$(sshd_effective); then
  echo "sshd -T could not evaluate the SSH server's configuration (its error is on stderr)"
  exit 2
fi
# The value sshd uses for a keyword (sshd -T prints keywords in lower case).
setting() { printf '%s\n' "$config" | awk -v k="$1" '$1 == k { print $2; exit }'; }
password=$(setting passwordauthentication)
kbd=$(setting kbdinteractiveauthentication)
pam=$(setting usepam)
[ -n "$password" ] && [ -n "$kbd" ] || { echo "sshd -T did not report PasswordAuthentication and KbdInteractiveAuthentication"; exit 2; }
status=0
if [ "$password" != no ]; then
  echo "PasswordAuthentication $password: SSH accepts a password instead of a key"
  status=1
fi
if [ "$kbd" != no ] && [ "$pam" = yes ] && [ "$kbd_allowed" = false ]; then
  echo "KbdInteractiveAuthentication $kbd with UsePAM yes: SSH still asks for the password through PAM (keyboard-interactive)"
  status=1
fi
[ "$status" = 0 ] && echo "PasswordAuthentication no, KbdInteractiveAuthentication $kbd (UsePAM ${pam:-no}, keyboard-interactive allowed: $kbd_allowed): SSH logins need a key"
exit "$status"
