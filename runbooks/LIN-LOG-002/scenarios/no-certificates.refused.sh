# fixtures: debian12-systemd
# Nothing is provisioned: no CA for the log host, no client key or
# certificate. Forwarding cannot work, and the remediation must not
# invent them: it refuses and changes nothing.
! test -e /etc/ssl/ca/trusted.pem && ! test -e /etc/ssl/private/journal-upload.pem
