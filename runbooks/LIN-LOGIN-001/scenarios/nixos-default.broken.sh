# fixtures: nixos-like
# NixOS's generated login.defs has no PASS_MAX_DAYS.
! grep -q PASS_MAX_DAYS /etc/login.defs
