# Debian/Ubuntu: PasswordAuthentication no (and KbdInteractiveAuthentication
# no unless allowed) in a drop-in that sorts first in /etc/ssh/sshd_config.d/
# (sshd keeps the first value it reads, so this also beats cloud-init's
# 50-cloud-init.conf), checked with `sshd -T` before sshd is reloaded.
set -eu
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
kbd_allowed=${COMPLY_INPUT_SSH_KBD_INTERACTIVE_ALLOWED:-}
case "$kbd_allowed" in
  true | false) ;;
  *) echo "input ssh_kbd_interactive_allowed must be true or false, got '$kbd_allowed'" >&2; exit 2 ;;
esac
dropin=/etc/ssh/sshd_config.d/00-comply-LIN-SSH-003.conf
if ! grep -Eiq '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config; then
  echo "/etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d/*.conf (Debian's default, at its top): add that first" >&2
  exit 1
fi
mkdir -p /etc/ssh/sshd_config.d
{
  echo "# Written by comply LIN-SSH-003 (45 CFR 164.312(d))."
  echo "PasswordAuthentication no"
  [ "$kbd_allowed" = true ] || echo "KbdInteractiveAuthentication no"
} > "$dropin"
if ! config=$(sshd_effective); then
  rm -f "$dropin"
  echo "sshd rejected the configuration with $dropin, which was removed again" >&2
  exit 1
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
if [ "$status" != 0 ]; then
  echo "an earlier line in the SSH server's configuration wins over $dropin:" >&2
  grep -Rin -E '^[[:space:]]*(PasswordAuthentication|KbdInteractiveAuthentication|ChallengeResponseAuthentication)[[:space:]]' /etc/ssh/sshd_config /etc/ssh/sshd_config.d >&2 || true
  exit 1
fi
if [ -d /run/systemd/system ]; then
  systemctl try-reload-or-restart sshd
fi
