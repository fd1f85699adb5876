# lib/audit.sh — shared by LIN-AUDIT-001 and LIN-AUDIT-002. Defines
# functions only.
#
# Provides: in_container (their probes: a container by
# systemd-detect-virt or a marker file, said only together with the
# kernel's refusal of audit control) and audit_nixos_refuse_off (their
# NixOS remediations).
# Whether this is a container (systemd-detect-virt, /.dockerenv,
# /run/.containerenv).
in_container() {
  { command -v systemd-detect-virt >/dev/null 2>&1 && systemd-detect-virt --container --quiet; } ||
    [ -e /.dockerenv ] || [ -e /run/.containerenv ]
}
# security.audit.enable (false, true or "lock") is what turns the kernel's
# auditing on; security.auditd.enable only runs the daemon that writes the
# records. Set it with lib.mkDefault: that beats NixOS's default (false) but
# never a value the configuration chose, so "lock" is never downgraded and
# the comply modules of LIN-AUDIT-001 and -002 agree. A configuration that
# chose false is a person's decision: refuse, naming where.
# Exits 1, having changed nothing, when it did.
audit_nixos_refuse_off() {
  audit_off=$(grep -rnE --include='*.nix' 'security\.audit\.enable[[:space:]]*=[[:space:]]*(lib\.)?(mk(Force|Default|Override[[:space:]]+[0-9]+)[[:space:]]+)?false' /etc/nixos 2>/dev/null \
    | grep -vE '^/etc/nixos/comply/|^[^:]*:[0-9]+:[[:space:]]*#' || true)
  if [ -n "$audit_off" ]; then
    echo "refused, nothing changed: the configuration switches kernel auditing off, a decision for a person to revisit: $(printf '%s\n' "$audit_off" | cut -d: -f1,2 | paste -sd' ' -)" >&2
    exit 1
  fi
}
