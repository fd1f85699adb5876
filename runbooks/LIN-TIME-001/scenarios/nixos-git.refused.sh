# fixtures: nixos-like
# /etc/nixos is a git work tree (the configuration is reviewed and deployed
# from a repository) and timesyncd is switched off in it: the fix belongs
# in the repository, so the remediation must refuse and change nothing.
set -eu
mkdir -p /etc/nixos/scenario /etc/nixos/.git
echo '{ ... }: { services.timesyncd.enable = false; }' > /etc/nixos/scenario/timesyncd.nix
sed -i 's|imports = \[|imports = [ ./scenario/timesyncd.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
printf 'ref: refs/heads/main\n' > /etc/nixos/.git/HEAD
! systemctl is-active --quiet systemd-timesyncd
