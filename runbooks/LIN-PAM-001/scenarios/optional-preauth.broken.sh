# fixtures: debian12-systemd
# pam_faillock counts failures and has good limits, but its preauth line
# runs as `optional`: when it refuses a locked account, PAM ignores that,
# and pam_unix lets the account in with the right password.
set -eu
printf 'Name: faillock\nDefault: yes\nPriority: 0\nAuth-Type: Primary\nAuth:\n\t[default=die]\tpam_faillock.so authfail\n' > /usr/share/pam-configs/faillock
printf 'Name: faillock_notify\nDefault: yes\nPriority: 1024\nAuth-Type: Primary\nAuth:\n\toptional\tpam_faillock.so preauth\nAccount-Type: Primary\nAccount:\n\trequired\tpam_faillock.so\n' > /usr/share/pam-configs/faillock_notify
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable faillock faillock_notify
printf 'deny = 4\nunlock_time = 1800\n' >> /etc/security/faillock.conf
grep -Eq '^auth[[:space:]]+optional[[:space:]]+pam_faillock.so preauth' /etc/pam.d/common-auth
