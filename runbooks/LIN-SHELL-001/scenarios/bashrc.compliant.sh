# fixtures: debian12-systemd
# TMOUT set read-only in /etc/bash.bashrc, which Debian's /etc/profile
# reads for interactive bash login shells (and bash for interactive
# non-login ones): every interactive shell gets it.
set -eu
printf '\nTMOUT=600\nreadonly TMOUT\nexport TMOUT\n' >> /etc/bash.bashrc
