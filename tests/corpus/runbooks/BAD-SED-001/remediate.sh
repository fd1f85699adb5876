# As shipped in the field: an in-place edit of /etc/systemd/journald.conf.
# On NixOS that file is a link into the read-only store; sed -i replaces the
# link with a copy, which heals until the next activation puts it back.
sed -i 's/^#\?Storage=.*/Storage=persistent/' /etc/systemd/journald.conf
systemctl restart systemd-journald
