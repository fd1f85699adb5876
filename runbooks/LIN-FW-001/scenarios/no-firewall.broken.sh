# fixtures: debian12-systemd
# Debian's default: nftables installed, its service disabled, no rules.
set -eu
! systemctl is-enabled --quiet nftables.service
[ -z "$(nft list ruleset)" ]
