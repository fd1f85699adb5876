# fixtures: debian12-systemd
# minlen = 14, enforced for root, but positive credits: each digit,
# upper-case letter and symbol (up to 2 of each) and one lower-case letter
# count twice, so a 7-character password such as "AB12!#c" scores 14 and
# is accepted.
set -eu
mkdir -p /etc/security/pwquality.conf.d
printf 'minlen = 14\ndcredit = 2\nucredit = 2\nlcredit = 1\nocredit = 2\nenforce_for_root\n' > /etc/security/pwquality.conf.d/50-site.conf
