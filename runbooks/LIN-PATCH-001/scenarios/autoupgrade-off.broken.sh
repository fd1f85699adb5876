# fixtures: nixos-like
# A fresh NixOS: system.autoUpgrade.enable is false, so nixos-upgrade.timer
# is not wanted.
! systemctl is-enabled --quiet nixos-upgrade.timer
