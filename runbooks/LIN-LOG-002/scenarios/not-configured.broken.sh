# fixtures: debian12-systemd
# Certificates are provisioned, but nothing forwards the journal: the
# uploader has no URL and is disabled (the package's default).
set -eu
# Test-only TLS material, as a PKI process provisions it: the log host's CA
# (journal-upload's default trust file) and a client key and certificate
# readable by the service's group systemd-journal. PEM-shaped placeholders:
# the gate has no network, nothing connects.
pem() { printf -- '-----BEGIN %s-----\nTUlJQ29tcGx5VGVzdE9ubHk=\n-----END %s-----\n' "$1" "$1"; }
mkdir -p /etc/ssl/ca /etc/ssl/journal-upload /etc/systemd/journal-upload.conf.d
pem CERTIFICATE > /etc/ssl/ca/trusted.pem
pem "PRIVATE KEY" > /etc/ssl/journal-upload/client.key
pem CERTIFICATE > /etc/ssl/journal-upload/client.pem
chgrp -R systemd-journal /etc/ssl/journal-upload
chmod 0750 /etc/ssl/journal-upload
chmod 0640 /etc/ssl/journal-upload/client.key /etc/ssl/journal-upload/client.pem
printf '[Upload]\nServerKeyFile=/etc/ssl/journal-upload/client.key\nServerCertificateFile=/etc/ssl/journal-upload/client.pem\n' \
  > /etc/systemd/journal-upload.conf.d/10-tls.conf
! systemctl is-enabled --quiet systemd-journal-upload
