# fixtures: debian12-systemd
# The authfail line is in the profile's "Additional" block, after
# `requisite pam_deny.so`: a wrong password ends the stack at pam_deny, so
# pam_faillock never records a failure and never locks anyone.
set -eu
printf 'Name: faillock\nDefault: yes\nPriority: 0\nAuth-Type: Additional\nAuth:\n\t[default=die]\tpam_faillock.so authfail\n' > /usr/share/pam-configs/faillock
printf 'Name: faillock_notify\nDefault: yes\nPriority: 1024\nAuth-Type: Primary\nAuth:\n\trequisite\tpam_faillock.so preauth\nAccount-Type: Primary\nAccount:\n\trequired\tpam_faillock.so\n' > /usr/share/pam-configs/faillock_notify
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable faillock faillock_notify
printf 'deny = 4\nunlock_time = 1800\n' >> /etc/security/faillock.conf
awk '/pam_deny\.so/ { deny = NR } /pam_faillock\.so authfail/ { fail = NR } END { exit !(deny && fail > deny) }' /etc/pam.d/common-auth
