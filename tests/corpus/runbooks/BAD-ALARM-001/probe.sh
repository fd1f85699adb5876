# Demands an explicit Storage=persistent in journald.conf itself, which
# Debian never writes (it relies on /var/log/journal and Storage=auto).
grep -qx "Storage=persistent" /etc/systemd/journald.conf
