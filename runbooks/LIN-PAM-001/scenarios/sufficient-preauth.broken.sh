# fixtures: debian12-systemd
# The preauth line runs as `sufficient`. A refusal of a locked account is
# ignored, and worse: for every account that is not locked preauth
# succeeds, and `sufficient` then ends the auth stack with success before
# pam_unix asks for the password.
set -eu
printf 'Name: faillock\nDefault: yes\nPriority: 0\nAuth-Type: Primary\nAuth:\n\t[default=die]\tpam_faillock.so authfail\n' > /usr/share/pam-configs/faillock
printf 'Name: faillock_notify\nDefault: yes\nPriority: 1024\nAuth-Type: Primary\nAuth:\n\tsufficient\tpam_faillock.so preauth\nAccount-Type: Primary\nAccount:\n\trequired\tpam_faillock.so\n' > /usr/share/pam-configs/faillock_notify
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable faillock faillock_notify
printf 'deny = 4\nunlock_time = 1800\n' >> /etc/security/faillock.conf
grep -Eq '^auth[[:space:]]+sufficient[[:space:]]+pam_faillock.so preauth' /etc/pam.d/common-auth
