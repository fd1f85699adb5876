# NixOS: /etc/sysctl.d/60-nixos.conf is generated from boot.kernel.sysctl,
# so a module forces kernel.randomize_va_space = 2, configuration.nix
# imports it, and the switch regenerates the file and re-applies the
# sysctls (systemd-sysctl; skipped in a container, whose kernel is the
# host's). A hand-made /etc/sysctl.conf that assigns the key another
# value (read last by procps' `sysctl --system`) is not NixOS's to change:
# the remediation then fails and names it.
set -eu
module_body() {
  cat <<'NIX'
# Written by comply LIN-SYSCTL-001 (45 CFR 164.312(c)(1)).
{ lib, ... }: { boot.kernel.sysctl."kernel.randomize_va_space" = lib.mkForce 2; }
NIX
}
nixos_config_here
nixos_module_switch LIN-SYSCTL-001
if grep -Es '^[[:space:]]*-?kernel[./]randomize_va_space[[:space:]]*=' /etc/sysctl.conf | grep -Evq '=[[:space:]]*2[[:space:]]*$'; then
  echo "/etc/sysctl.conf sets kernel.randomize_va_space to another value than 2, and \`sysctl --system\` reads it after the configuration's file: remove that line by hand" >&2
  exit 1
fi
