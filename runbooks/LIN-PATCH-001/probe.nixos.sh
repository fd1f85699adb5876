# NixOS: system.autoUpgrade.enable gives nixos-upgrade.timer; it must be
# enabled and active.
[ -d /run/systemd/system ] || { echo "systemd is not running"; exit 77; }
status=0
systemctl is-enabled --quiet nixos-upgrade.timer || { echo "nixos-upgrade.timer is not enabled (system.autoUpgrade.enable)"; status=1; }
systemctl is-active --quiet nixos-upgrade.timer || { echo "nixos-upgrade.timer is not active"; status=1; }
[ "$status" = 0 ] && echo "nixos-upgrade.timer is enabled and active"
exit "$status"
