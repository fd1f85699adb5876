# Debian/Ubuntu: KexAlgorithms = the approved key exchange algorithms that this OpenSSH supports, in a
# drop-in that sorts first in /etc/ssh/sshd_config.d/ (sshd keeps the first
# value it reads), checked with `sshd -T` before sshd is reloaded.
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
approved=${COMPLY_INPUT_SSH_APPROVED_KEX:-}
[ -n "$approved" ] || { echo "input ssh_approved_kex is empty: list the approved key exchange algorithms" >&2; exit 2; }
# The approved ones this OpenSSH supports, in the input's order (sshd
# refuses to start with an unknown name).
supported=$(ssh -Q kex 2>/dev/null) || supported=
list=
for alg in $approved; do
  if [ -z "$supported" ] || printf '%s\n' "$supported" | grep -qxF "$alg"; then
    list="${list:+$list,}$alg"
  fi
done
[ -n "$list" ] || { echo "this OpenSSH supports none of the key exchange algorithms in ssh_approved_kex" >&2; exit 1; }
dropin=/etc/ssh/sshd_config.d/00-comply-LIN-SSH-008.conf
if ! grep -Eiq '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config; then
  echo "/etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d/*.conf (Debian's default, at its top): add that first" >&2
  exit 1
fi
mkdir -p /etc/ssh/sshd_config.d
cat > "$dropin" <<CONF
# Written by comply LIN-SSH-008 (45 CFR 164.312(e)(1), 164.312(e)(2)(ii)).
KexAlgorithms $list
CONF
if ! config=$(sshd_effective); then
  rm -f "$dropin"
  echo "sshd rejected the configuration with $dropin, which was removed again" >&2
  exit 1
fi
# The value sshd uses for a keyword (sshd -T prints keywords in lower case).
setting() { printf '%s\n' "$config" | awk -v k="$1" '$1 == k { print $2; exit }'; }
offered=$(setting kexalgorithms)
[ -n "$offered" ] || { echo "sshd -T did not report KexAlgorithms"; exit 2; }
unapproved=
for alg in $(printf '%s\n' "$offered" | tr ',' ' '); do
  case " $approved " in
    *" $alg "*) ;;
    *) unapproved="$unapproved $alg" ;;
  esac
done
if [ -n "$unapproved" ]; then
  echo "sshd offers key exchange algorithms outside ssh_approved_kex:$unapproved"
  status=1
else
  echo "sshd offers only approved key exchange algorithms: $offered"
  status=0
fi
if [ "$status" != 0 ]; then
  echo "an earlier line in the SSH server's configuration wins over $dropin:" >&2
  grep -Rin -E '^[[:space:]]*(KexAlgorithms)[[:space:]]' /etc/ssh/sshd_config /etc/ssh/sshd_config.d >&2 || true
  exit 1
fi
if [ -d /run/systemd/system ]; then
  systemctl try-reload-or-restart sshd
fi
