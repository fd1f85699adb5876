# fixtures: nixos-like
# A host built from a flake (nixos-rebuild switch --flake /etc/nixos), with
# automatic upgrades off. A switch of configuration.nix would build the
# wrong system, and auto-upgrade of a flake without updating its locked
# inputs patches nothing: the remediation must refuse and change nothing.
set -eu
cat > /etc/nixos/flake.nix <<'NIX'
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.11";
  outputs = { self, nixpkgs }: {
    nixosConfigurations.appliance = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ./configuration.nix ];
    };
  };
}
NIX
! systemctl is-enabled --quiet nixos-upgrade.timer
