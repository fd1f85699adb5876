# fixtures: nixos-like
# The configuration offers an unapproved algorithm.
# The host is deployed with colmena (its hive.nix is kept in /etc/nixos):
# a local switch would be undone by the next deployment, so the remediation
# must refuse and change nothing.
set -eu
mkdir -p /etc/nixos/scenario
echo '{ ... }: { services.openssh.settings.Macs = [ "hmac-sha2-256" "hmac-sha1" ]; }' > /etc/nixos/scenario/macs.nix
sed -i 's|imports = \[|imports = [ ./scenario/macs.nix|' /etc/nixos/configuration.nix
nixos-rebuild switch
printf '{\n  meta.nixpkgs = <nixpkgs>;\n  host = { deployment.targetHost = "host"; imports = [ ./configuration.nix ]; };\n}\n' > /etc/nixos/hive.nix
grep -q '^Macs ' /etc/ssh/sshd_config
