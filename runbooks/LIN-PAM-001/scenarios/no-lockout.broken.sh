# fixtures: debian12-systemd
# Debian's default: pam_faillock is available but in no PAM stack.
! grep -q pam_faillock /etc/pam.d/common-auth
