# fixtures: debian12-systemd
# minlen = 16, but without enforce_for_root: when root sets a password
# (`passwd USER`, the usual way an administrator resets one), pam_pwquality
# only warns and the short password is set.
set -eu
mkdir -p /etc/security/pwquality.conf.d
echo 'minlen = 16' > /etc/security/pwquality.conf.d/50-site.conf
