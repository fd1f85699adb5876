# Compliant when auditd is installed, enabled at boot and running, and the
# kernel reports auditing on with auditd attached (`auditctl -s`: enabled 1
# or 2, a non-zero pid).
#
# Not applicable in a container whose kernel refuses audit control: the
# kernel accepts it only from its initial namespaces, so the audit trail
# belongs to the host and must be checked there. On any other host a
# missing or stopped auditd is non-compliant.
PATH=$PATH:/usr/sbin:/sbin
kernel=
if command -v auditctl >/dev/null 2>&1; then
  kernel=$(auditctl -s 2>&1) || kernel_error=$kernel
else
  kernel_error="auditctl is not installed"
fi
if [ -n "${kernel_error:-}" ] && in_container; then
  echo "not applicable in a container: the kernel's audit trail belongs to the host (auditctl -s: $(printf '%s' "$kernel_error" | head -n 1)); check auditd on the host"
  exit 77
fi
if ! command -v auditd >/dev/null 2>&1; then
  echo "auditd is not installed: no audit trail is kept"
  exit 1
fi
status=0
if [ -d /run/systemd/system ]; then
  enabled=$(systemctl is-enabled auditd.service 2>/dev/null) || true
  active=$(systemctl is-active auditd.service 2>/dev/null) || true
  [ "$enabled" = enabled ] || { echo "auditd.service is ${enabled:-not enabled}: it does not start at boot"; status=1; }
  [ "$active" = active ] || { echo "auditd.service is ${active:-not running}"; status=1; }
fi
if [ -n "${kernel_error:-}" ]; then
  echo "auditctl -s failed: $kernel_error"
  exit 2
fi
on=$(printf '%s\n' "$kernel" | awk '$1 == "enabled" { print $2 }')
pid=$(printf '%s\n' "$kernel" | awk '$1 == "pid" { print $2 }')
case "$on" in
  1 | 2) ;;
  *) echo "the kernel's auditing is off (auditctl -s: enabled ${on:-?})"; status=1 ;;
esac
case "$pid" in
  '' | 0) echo "no audit daemon is attached to the kernel (auditctl -s: pid ${pid:-?}): records are lost"; status=1 ;;
esac
[ "$status" = 0 ] && echo "auditd is enabled and running (pid $pid), kernel auditing enabled $on"
exit "$status"
