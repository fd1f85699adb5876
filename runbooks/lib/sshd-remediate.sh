# lib/sshd-remediate.sh — the remediations of LIN-SSH-001 … LIN-SSH-008:
# sshd_remediate (Debian/Ubuntu: a drop-in that sorts first in
# /etc/ssh/sshd_config.d/, lines that would still win commented out,
# `sshd -t` and sshd_audit with every file restored on failure, then a
# reload) and sshd_remediate_nixos (a module in /etc/nixos/comply/ and a
# switch, then sshd_audit), with their helpers sshd_reload, keep, restore.
# Defines functions only; uses lib/sshd.sh and, on NixOS, lib/nixos.sh.
#
# The runbook script sets $id and defines dropin_body (Debian) or
# module_body (NixOS), value_ok and preflight (lockout_guard from
# lib/sshd-lockout.sh in LIN-SSH-001 and LIN-SSH-003, else `:`), then calls
# sshd_remediate or sshd_remediate_nixos as its last command.
# Makes sshd use the new configuration: reloads the SSH unit that exists and
# runs (ssh.service on Debian and Ubuntu, sshd.service elsewhere). With socket
# activation (ssh.socket, Ubuntu 22.10 and later) and no sshd running, the
# next connection starts an sshd that reads the new configuration: there is
# nothing to reload.
sshd_reload() {
  if [ ! -d /run/systemd/system ]; then
    echo "systemd is not running: a running sshd applies the new configuration once restarted or sent SIGHUP"
    return 0
  fi
  unit=''
  for candidate in ssh.service sshd.service; do
    if [ "$(systemctl show -p LoadState --value "$candidate" 2>/dev/null)" = loaded ]; then
      unit=$candidate
      break
    fi
  done
  if [ -n "$unit" ] && systemctl is-active --quiet "$unit"; then
    systemctl reload "$unit"
    echo "$unit reloaded: new SSH connections get the new configuration"
  elif systemctl is-active --quiet ssh.socket 2>/dev/null; then
    echo "ssh.socket is active (socket activation) and no sshd is running: the next connection starts one with the new configuration, nothing to reload"
  else
    echo "${unit:-no SSH service unit} is not running: sshd reads the new configuration when it starts"
  fi
}
# Keeps a copy of FILE (once) for restore.
keep() {
  if ! awk -F '\t' -v f="$1" '$2 == f { found = 1 } END { exit !found }' "$work/kept"; then
    if [ -e "$1" ]; then
      copy=$work/$(wc -l < "$work/kept" | tr -d ' ')
      cp -p "$1" "$copy"
    else
      copy=none
    fi
    printf '%s\t%s\n' "$copy" "$1" >> "$work/kept"
  fi
}
# Puts every file this remediation changed back as it was.
restore() {
  while IFS='	' read -r copy file; do
    if [ "$copy" = none ]; then rm -f "$file"; else cp -p "$copy" "$file"; fi
  done < "$work/kept"
}
# The Debian/Ubuntu remediation (see above); $work holds the copies restore
# puts back, removed on exit.
# shellcheck disable=SC2154 # $id is set by the runbook script
sshd_remediate() {
  dropin=/etc/ssh/sshd_config.d/00-comply-$id.conf
  if ! grep -Eiq '^[[:space:]]*Include[[:space:]]+/etc/ssh/sshd_config\.d/\*\.conf' /etc/ssh/sshd_config; then
    echo "/etc/ssh/sshd_config does not include /etc/ssh/sshd_config.d/*.conf (Debian's default, at its top): add that first" >&2
    exit 1
  fi
  preflight
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  : > "$work/kept"
  keep "$dropin"
  mkdir -p /etc/ssh/sshd_config.d
  dropin_body > "$dropin"
  # Lines that would still win over the drop-in: the same keywords read
  # before it (above the Include line of sshd_config, or in a drop-in that
  # sorts first) and non-compliant values inside Match blocks (a matching
  # block overrides every global value). Each is commented out, keeping what
  # it said after "# comply <ID> replaced: ".
  sshd_lines | sshd_parse "$dropin" | awk -F '\t' '$1 == "K" && $2 != "" && !seen[$2 FS $3]++' > "$work/lines"
  while IFS='	' read -r _ file line block key value before text; do
    [ "$file" != "$dropin" ] || continue
    if [ "$block" = 0 ]; then
      [ "$before" = 1 ] || continue
      why="sshd reads it before $dropin, so it wins"
    else
      ! value_ok "$key" "$value" || continue
      why="it is inside a Match block, which overrides $dropin for the connections it matches"
    fi
    keep "$file"
    sed -i "${line}s/^/# comply $id replaced: /" "$file"
    echo "$file:$line: commented out \"$text\": $why"
  done < "$work/lines"
  if ! sshd_run -t > "$work/check" 2>&1; then
    restore
    cat "$work/check" >&2
    echo "sshd -t rejected the configuration with these changes: every file was put back as it was" >&2
    exit 1
  fi
  if audit=$(sshd_audit); then :; else
    restore
    printf '%s\n' "$audit" >&2
    echo "the SSH server's configuration is still not compliant with $dropin, so every file was put back as it was; the lines that decide it:" >&2
    sshd_lines | sshd_parse '' | awk -F '\t' '$1 == "M" { print $2 ":" $3 ": Match " $6 } $1 == "K" { print $2 ":" $3 ": " $9 }' >&2
    exit 1
  fi
  printf '%s\n' "$audit"
  sshd_reload
}
# The NixOS remediation: changes only a host whose configuration is
# /etc/nixos/configuration.nix, switched on the host itself
# (nixos_config_here, lib/nixos.sh, exits 3 otherwise, having changed
# nothing); then preflight, the module, the switch, and sshd_audit on the
# generated configuration.
# shellcheck disable=SC2154 # $id is set by the runbook script
sshd_remediate_nixos() {
  nixos_config_here
  preflight
  nixos_module_switch "$id"
  if audit=$(sshd_audit); then :; else
    printf '%s\n' "$audit" >&2
    echo "after the switch the generated sshd_config still fails: a Match block (services.openssh.extraConfig) or another setting decides; change it in $config" >&2
    exit 1
  fi
  printf '%s\n' "$audit"
}
