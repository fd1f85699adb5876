# fixtures: debian12-systemd
# Debian's default: PasswordAuthentication is commented out, so sshd's
# default yes applies.
sshd -T | grep -qx 'passwordauthentication yes'
