# is-active exits 3 for "inactive": map it to non-compliant
systemctl is-active --quiet nftables.service || exit 1
