# fixtures: nixos-like
# NixOS sets no ClientAliveInterval: sshd's default 0 applies.
! grep -q ClientAliveInterval /etc/ssh/sshd_config
