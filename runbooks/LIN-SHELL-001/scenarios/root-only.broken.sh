# fixtures: debian12-systemd
# TMOUT is set read-only, but only for root's shells: every other user's
# idle shell stays open.
set -eu
cat > /etc/profile.d/autologout.sh <<'SH'
if [ "$(id -u)" -eq 0 ]; then
  TMOUT=600
  readonly TMOUT
  export TMOUT
fi
SH
