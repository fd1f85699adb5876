mkdir -p /etc/systemd/journald.conf.d
[ -s /etc/systemd/journald.conf.d/90-append.conf ] || echo '[Journal]' > /etc/systemd/journald.conf.d/90-append.conf
echo 'Storage=persistent' >> /etc/systemd/journald.conf.d/90-append.conf
