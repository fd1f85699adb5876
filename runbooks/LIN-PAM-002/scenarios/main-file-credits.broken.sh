# fixtures: debian12-systemd
# A drop-in sets everything right, but pwquality.conf, read after the
# drop-ins, gives digits a credit of 4: "a1234567890" (11 characters)
# scores 15.
set -eu
mkdir -p /etc/security/pwquality.conf.d
printf 'minlen = 15\nenforce_for_root\n' > /etc/security/pwquality.conf.d/50-site.conf
echo 'dcredit = 4' >> /etc/security/pwquality.conf
