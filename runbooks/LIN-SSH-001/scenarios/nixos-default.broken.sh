# fixtures: nixos-like
# NixOS's default: services.openssh.settings.PermitRootLogin = "prohibit-password".
grep -qx 'PermitRootLogin prohibit-password' /etc/ssh/sshd_config
