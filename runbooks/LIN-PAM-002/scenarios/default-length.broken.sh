# fixtures: debian12-systemd
# Debian's default: pam_pwquality with its default minlen of 8.
set -eu
grep -q pam_pwquality /etc/pam.d/common-password
! grep -rqs '^[[:space:]]*minlen' /etc/security/pwquality.conf /etc/security/pwquality.conf.d
