# fixtures: nixos-like
# Key-based logins off, and /etc/nixos is a git checkout (the fixture has
# no git: its .git directory stands for one): the remediation must refuse
# and change nothing.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.PubkeyAuthentication = false; }' > /etc/nixos/scenario/pubkey.nix
sed -i 's|imports = \[|imports = [ ./scenario/pubkey.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
mkdir -p /etc/nixos/.git
printf 'ref: refs/heads/main\n' > /etc/nixos/.git/HEAD
grep -qx 'PubkeyAuthentication no' /etc/ssh/sshd_config
