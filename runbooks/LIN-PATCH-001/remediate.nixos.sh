# NixOS: placeholder until the nixos-like fixture's model is settled.
exit 1
