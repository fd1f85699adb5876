# fixtures: debian12-systemd
# A site profile replaces Debian's pwquality one with priority 0, so
# pam-auth-update puts pam_pwquality after pam_unix: pam_unix sets the new
# password and its success jumps over pam_pwquality, whose good settings
# (minlen 16, enforce_for_root) then check nothing.
set -eu
sed 's/^Priority: .*/Priority: 0/; s/^Name: .*/Name: Site password quality/' /usr/share/pam-configs/pwquality > /usr/share/pam-configs/pwquality-site
DEBIAN_FRONTEND=noninteractive pam-auth-update --disable pwquality
DEBIAN_FRONTEND=noninteractive pam-auth-update --enable pwquality-site
mkdir -p /etc/security/pwquality.conf.d
printf 'minlen = 16\nenforce_for_root\n' > /etc/security/pwquality.conf.d/50-site.conf
awk '/pam_unix\.so/ && !u { u = NR } /pam_pwquality\.so/ && !q { q = NR } END { exit !(u && q > u) }' /etc/pam.d/common-password
