# fixtures: debian12-systemd
# faillock.conf has good values, but the pam_faillock lines read another
# file (conf=), which tolerates ten failures and unlocks after a minute.
set -eu
printf 'Name: faillock\nDefault: yes\nPriority: 0\nAuth-Type: Primary\nAuth:\n\t[default=die]\tpam_faillock.so authfail conf=/etc/security/faillock-site.conf\n' > /usr/share/pam-configs/faillock
printf 'Name: faillock_notify\nDefault: yes\nPriority: 1024\nAuth-Type: Primary\nAuth:\n\trequisite\tpam_faillock.so preauth conf=/etc/security/faillock-site.conf\nAccount-Type: Primary\nAccount:\n\trequired\tpam_faillock.so\n' > /usr/share/pam-configs/faillock_notify
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable faillock faillock_notify
printf 'deny = 4\nunlock_time = 1800\n' >> /etc/security/faillock.conf
printf 'deny = 10\nunlock_time = 60\n' > /etc/security/faillock-site.conf
grep -q 'conf=/etc/security/faillock-site.conf' /etc/pam.d/common-auth
