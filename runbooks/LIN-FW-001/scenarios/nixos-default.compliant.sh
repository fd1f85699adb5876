# fixtures: nixos-like
# NixOS's default firewall: drop, with only the SSH port open.
nft list chain inet nixos-fw input | grep -q 'policy drop'
