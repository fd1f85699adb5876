# NixOS: /etc/login.defs is generated from security.loginDefs.settings, so a
# module sets PASS_MAX_DAYS (when the current value is missing or too long),
# configuration.nix imports it, and a switch regenerates the file. Existing
# accounts get `chage -M` (/etc/shadow is mutable with the default
# users.mutableUsers = true).
set -eu
max=${COMPLY_INPUT_PASSWORD_MAX_DAYS:-}
case "$max" in
  '' | *[!0-9]* | 0) echo "input password_max_days must be a whole number of days of at least 1, got '$max'" >&2; exit 2 ;;
esac
value=$(awk '$1 == "PASS_MAX_DAYS" { v = $2 } END { print v }' /etc/login.defs)
case "$value" in
  '' | *[!0-9]*) ok=no ;;
  *) if [ "$value" -gt "$max" ] || [ "$value" -eq 0 ]; then ok=no; else ok=yes; fi ;;
esac
if [ "$ok" = no ]; then
  module=/etc/nixos/comply/LIN-LOGIN-001.nix
  config=/etc/nixos/configuration.nix
  mkdir -p /etc/nixos/comply
  cat > "$module" <<NIX
# Written by comply LIN-LOGIN-001 (45 CFR 164.308(a)(5)(ii)(D)).
{ lib, ... }: { security.loginDefs.settings.PASS_MAX_DAYS = lib.mkForce $max; }
NIX
  if ! grep -q './comply/LIN-LOGIN-001.nix' "$config"; then
    grep -q 'imports = \[' "$config" || { echo "$config has no 'imports = [' list to add ./comply/LIN-LOGIN-001.nix to" >&2; exit 1; }
    sed -i 's|imports = \[|imports = [ ./comply/LIN-LOGIN-001.nix|' "$config"
  fi
  nixos-rebuild switch
fi
for user in $(awk -F: -v max="$max" '$2 != "" && $2 !~ /^[!*]/ && ($5 == "" || $5 < 0 || $5 + 0 > max + 0) { print $1 }' /etc/shadow); do
  echo "chage -M $max $user"
  chage -M "$max" "$user"
done
