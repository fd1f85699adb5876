# fixtures: debian12-systemd, nixos-like
# Both distributions default to PubkeyAuthentication yes.
sshd -T | grep -qx 'pubkeyauthentication yes'
