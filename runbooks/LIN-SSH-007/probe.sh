# Compliant when every one of the MAC algorithms in the SSH server's effective
# configuration (`sshd -T`, MACs) is in the suite's ssh_approved_macs.
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
approved=${COMPLY_INPUT_SSH_APPROVED_MACS:-}
[ -n "$approved" ] || { echo "input ssh_approved_macs is empty: list the approved MAC algorithms" >&2; exit 2; }
if ! config=$(sshd_effective); then
  echo "sshd -T could not evaluate the SSH server's configuration (its error is on stderr)"
  exit 2
fi
# The value sshd uses for a keyword (sshd -T prints keywords in lower case).
setting() { printf '%s\n' "$config" | awk -v k="$1" '$1 == k { print $2; exit }'; }
offered=$(setting macs)
[ -n "$offered" ] || { echo "sshd -T did not report MACs"; exit 2; }
unapproved=
for alg in $(printf '%s\n' "$offered" | tr ',' ' '); do
  case " $approved " in
    *" $alg "*) ;;
    *) unapproved="$unapproved $alg" ;;
  esac
done
if [ -n "$unapproved" ]; then
  echo "sshd offers MAC algorithms outside ssh_approved_macs:$unapproved"
  status=1
else
  echo "sshd offers only approved MAC algorithms: $offered"
  status=0
fi
exit "$status"
