# Compliant when the SSH server's effective configuration (`sshd -T`:
# sshd_config and every file it includes, the first value winning) has
# PermitRootLogin no: every SSH login is by a named user.
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
if ! config=$(sshd_effective); then
  echo "sshd -T could not evaluate the SSH server's configuration (its error is on stderr)"
  exit 2
fi
# The value sshd uses for a keyword (sshd -T prints keywords in lower case).
setting() { printf '%s\n' "$config" | awk -v k="$1" '$1 == k { print $2; exit }'; }
value=$(setting permitrootlogin)
case $value in
  no) echo "PermitRootLogin no: root cannot log in over SSH; administrators log in as themselves"; status=0 ;;
  '') echo "sshd -T did not report PermitRootLogin"; exit 2 ;;
  *) echo "PermitRootLogin $value: root can log in over SSH, so a login is not tied to a person"; status=1 ;;
esac
exit "$status"
