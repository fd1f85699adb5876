# fixtures: debian12-systemd
# pam_pwquality taken out of the PAM stack (pam-auth-update --disable).
set -eu
DEBIAN_FRONTEND=noninteractive pam-auth-update --disable pwquality
! grep -q pam_pwquality /etc/pam.d/common-password
