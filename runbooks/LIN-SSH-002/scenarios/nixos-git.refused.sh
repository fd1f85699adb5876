# fixtures: nixos-like
# /etc/nixos is a git checkout (the fixture has no git: its .git directory
# stands for one): the configuration is managed in that repository, so the
# remediation must refuse and change nothing.
set -eu
mkdir -p /etc/nixos/.git
printf 'ref: refs/heads/main\n' > /etc/nixos/.git/HEAD
! grep -q ClientAliveInterval /etc/ssh/sshd_config
