# Debian/Ubuntu: PermitRootLogin no in a drop-in that sorts first in
# /etc/ssh/sshd_config.d/ (sshd keeps the first value it reads, and Debian's
# sshd_config includes the drop-ins at its top), checked with `sshd -T`
# before sshd is reloaded.
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
dropin=/etc/ssh/sshd_config.d/00-comply-LIN-SSH-001.conf
if ! grep -Eiq '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config; then
  echo "/etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d/*.conf (Debian's default, at its top): add that first" >&2
  exit 1
fi
mkdir -p /etc/ssh/sshd_config.d
cat > "$dropin" <<'CONF'
# Written by comply LIN-SSH-001 (45 CFR 164.312(a)(2)(i), 164.312(a)(1)).
PermitRootLogin no
CONF
if ! config=$(sshd_effective); then
  rm -f "$dropin"
  echo "sshd rejected the configuration with $dropin, which was removed again" >&2
  exit 1
fi
# The value sshd uses for a keyword (sshd -T prints keywords in lower case).
setting() { printf '%s\n' "$config" | awk -v k="$1" '$1 == k { print $2; exit }'; }
value=$(setting permitrootlogin)
case $value in
  no) echo "PermitRootLogin no: root cannot log in over SSH; administrators log in as themselves"; status=0 ;;
  '') echo "sshd -T did not report PermitRootLogin"; exit 2 ;;
  *) echo "PermitRootLogin $value: root can log in over SSH, so a login is not tied to a person"; status=1 ;;
esac
if [ "$status" != 0 ]; then
  echo "an earlier line in the SSH server's configuration wins over $dropin:" >&2
  grep -Rin -E '^[[:space:]]*(PermitRootLogin)[[:space:]]' /etc/ssh/sshd_config /etc/ssh/sshd_config.d >&2 || true
  exit 1
fi
if [ -d /run/systemd/system ]; then
  systemctl try-reload-or-restart sshd
fi
