# fixtures: debian12-systemd, nixos-like
# A freshly booted fixture has no failed unit.
[ -z "$(systemctl list-units --failed --no-legend --plain)" ]
