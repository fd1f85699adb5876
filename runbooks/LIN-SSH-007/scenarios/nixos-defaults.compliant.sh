# fixtures: nixos-like
# NixOS's default MACs are all approved.
grep -qx 'Macs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com,umac-128-etm@openssh.com' /etc/ssh/sshd_config
