# journald reads journald.conf.d, not journal.conf.d
mkdir -p /etc/systemd/journal.conf.d
printf "[Journal]\nStorage=persistent\n" > /etc/systemd/journal.conf.d/99.conf
