grep -qx 'Storage=persistent' /etc/systemd/journald.conf.d/90-append.conf 2>/dev/null || exit 1
