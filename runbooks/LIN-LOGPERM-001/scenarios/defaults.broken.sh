# fixtures: debian12-systemd, nixos-like
# Fresh systems: dpkg.log, alternatives.log and bootstrap.log are 0644.
[ -n "$(find /var/log -xdev -type f -perm /o=r -name dpkg.log)" ]
