# fixtures: nixos-like
# NixOS's defaults: PasswordAuthentication and KbdInteractiveAuthentication true.
grep -qx 'PasswordAuthentication yes' /etc/ssh/sshd_config
