# fixtures: debian12-systemd, nixos-like
# A container's root is an overlay on the host's storage: the probe must
# not call it non-compliant (nor compliant); it reports not-applicable.
[ "$(findmnt -n -o FSTYPE --target /)" = overlay ]
