# services.comply: the scheduled comply run of a NixOS host.
#
#   imports = [ /path/to/comply/nix/module.nix ];
#   services.comply.enable = true;
#
# A systemd timer starts the oneshot comply.service, which runs
#
#   comply run --report-dir STATEDIR/runs --keep-runs N --prom STATEDIR/comply.prom
#              [--remediate [--allow-tier L2]] [--suite FILE] [--input NAME=VALUE]... EXTRA...
#
# as root. docs/nixos.md describes every option and each hardening choice.
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.comply;
  inherit (lib) types mkOption;

  # The options comply.service sets itself; the same flag in extraArgs would
  # be given twice (clap refuses that: exit 2 every day), or would remediate
  # while the unit is hardened for check mode.
  ownedFlags = [
    "--remediate"
    "--allow-tier"
    "--report-dir"
    "--keep-runs"
    "--prom"
    "--suite"
  ];
  isOwnedFlag = arg: lib.any (flag: arg == flag || lib.hasPrefix "${flag}=" arg) ownedFlags;

  # comply's input names: lower-case letters, digits and `_`, starting with
  # a letter (src/model/mod.rs, InputName).
  validInputName = name: builtins.match "[a-z][a-z0-9_]*" name != null;

  args =
    [
      "run"
      "--report-dir"
      "${cfg.stateDir}/runs"
      "--keep-runs"
      (toString cfg.keepRuns)
      "--prom"
      "${cfg.stateDir}/comply.prom"
    ]
    ++ lib.optionals cfg.remediate (
      [ "--remediate" ]
      ++ lib.optionals cfg.allowTierL2 [
        "--allow-tier"
        "L2"
      ]
    )
    # "${...}" and not toString: a path literal such as ./suite.toml is
    # copied into the store (toString would keep the path of the machine
    # that evaluated the configuration). A string stays as it is.
    ++ lib.optionals (cfg.suite != null) [
      "--suite"
      "${cfg.suite}"
    ]
    ++ lib.concatLists (
      lib.mapAttrsToList (name: value: [
        "--input"
        "${name}=${value}"
      ]) cfg.inputs
    )
    ++ cfg.extraArgs;

  # Under /var/lib, systemd creates the directories at every start:
  # STATEDIR 0755 (a metrics exporter must reach comply.prom) and
  # STATEDIR/runs 0700 (reports name accounts, keys and configuration).
  # Elsewhere systemd-tmpfiles creates them with the same modes.
  stateUnderVarLib = lib.hasPrefix "/var/lib/" cfg.stateDir;

  # Capabilities no compliance step needs, in both modes: reboot, the kernel
  # log ring (probes use `journalctl -k`, not dmesg), suspend, TTY
  # configuration, leases, device nodes, BPF, perf, checkpoint/restore. The
  # same list as packaging/systemd/comply.service.
  droppedCapabilities = [
    "CAP_SYS_BOOT"
    "CAP_SYSLOG"
    "CAP_BLOCK_SUSPEND"
    "CAP_SYS_TTY_CONFIG"
    "CAP_LEASE"
    "CAP_MKNOD"
    "CAP_BPF"
    "CAP_PERFMON"
    "CAP_CHECKPOINT_RESTORE"
  ];
  # Check mode changes nothing, so capabilities that only serve to change
  # the host go too: the clock and wake alarms, kernel modules (the kernel's
  # own module autoloading is not affected), immutable flags, process
  # accounting, file capabilities.
  droppedInCheckMode = [
    "CAP_SYS_TIME"
    "CAP_WAKE_ALARM"
    "CAP_SYS_MODULE"
    "CAP_LINUX_IMMUTABLE"
    "CAP_SYS_PACCT"
    "CAP_SETFCAP"
  ];

  # ---- hardening ----------------------------------------------------------
  #
  # The rule (the same as packaging/systemd/comply.service): a restriction
  # that can only make a step fail loudly (EPERM, so the case becomes
  # probe-error or remediation-failed) is used where no runbook of the
  # embedded suite needs the permission. A restriction that changes what a
  # probe sees, or where a change lands, is not used: it would turn into a
  # silent false "compliant" or "healed", the very failure comply exists to
  # catch.
  #
  # Every setting that gives the unit its own mount namespace is of the
  # second kind. systemd's documentation: such a namespace "will disconnect
  # propagation of mounts from the service to the host". Inside one,
  # `mount -o remount,noexec /dev/shm` heals only the unit's copy (and the
  # verify step, in the same namespace, confirms it), and a probe sees the
  # unit's own mounts: with PrivateTmp=, /tmp is a separate bind mount, so
  # "is /tmp its own file system?" passes on a host where it is not.
  #
  # Impossible in both modes, and why:
  #   DynamicUser=, User= other than root, PrivateUsers=
  #       probes read root-only state (/etc/shadow, sshd -T, auditctl -s,
  #       nft list ruleset, the AIDE database); remediations chown files,
  #       write /etc and restart units. nixpkgs' services.goss runs with
  #       DynamicUser= and cannot see any of that.
  #   PrivateTmp=, ProtectHome=, ProtectSystem=, ReadOnlyPaths=,
  #   ReadWritePaths=, InaccessiblePaths=, TemporaryFileSystem=,
  #   PrivateMounts=, ProtectKernelTunables=, ProtectKernelModules=,
  #   ProtectKernelLogs=, ProtectControlGroups=, ProtectProc=, ProcSubset=,
  #   PrivateIPC=
  #       each gives the unit its own mount namespace (see above). Also, in
  #       remediate mode: ProtectSystem= would make /etc (and, with "true",
  #       /boot, which `nixos-rebuild switch` writes) read-only;
  #       ProtectKernelTunables= would keep LIN-SYSCTL-001 from applying its
  #       setting; ProtectProc= and ProcSubset= hide other processes and
  #       /proc/sys from probes.
  #   PrivateDevices=
  #       a mount namespace, and it hides the block devices LIN-CRYPT-001
  #       inspects: every volume would look unencrypted.
  #   PrivateNetwork=, IPAddressDeny=
  #       probes must see the host's network: LIN-FW-001 reads the host's
  #       nftables ruleset (a private network namespace has an empty one),
  #       NET-REACH-001 connects out, ssh targets and nixos-rebuild too.
  #   ProtectClock=
  #       blocks even a read-only adjtimex() (ntptime), and newer systemd
  #       adds a device allow-list with it, which could hide devices from
  #       probes; not checked on NixOS's systemd, so not used.
  #   ProtectHostname=
  #       in remediate mode a `hostname` call would change only the unit's
  #       UTS namespace and the verify step would confirm it (a false
  #       heal); in check mode it protects nothing, as nothing changes.
  #   RuntimeDirectory=
  #       comply keeps its remediation lock in /run/comply, shared with an
  #       administrator's `comply run --remediate`; systemd would delete the
  #       directory when the unit stops, while another run holds the lock.
  #   CapabilityBoundingSet= smaller than below
  #       CAP_SYS_ADMIN (mount and unshare in the sshd and firewall probes),
  #       CAP_NET_ADMIN (nft), CAP_AUDIT_* (auditctl), CAP_DAC_* (reading any
  #       file), CAP_SYS_PTRACE (reading /proc/1/environ with a smaller
  #       capability set than PID 1's), CAP_SETUID/SETGID (setpriv in
  #       LIN-SHELL-001), CAP_CHOWN/CAP_FOWNER, CAP_SYS_RAWIO, CAP_NET_RAW
  #       are a probe's or a remediation's to use.
  #   UMask=0077
  #       remediations write configuration that processes of other users
  #       read (LIN-LOG-002's journal-upload drop-in is read by the
  #       uploader's own user), and a metrics exporter must read
  #       comply.prom; the usual 0022 stays.
  #
  # Only in check mode (remediate = false), and why not when remediating:
  #   NoNewPrivileges=
  #       not verified under `nixos-rebuild switch` and the activation it
  #       runs, which remediations of NixOS hosts start; kept off there.
  #   MemoryDenyWriteExecute=, SystemCallArchitectures=native,
  #   LockPersonality=, RestrictAddressFamilies=, SystemCallFilter=,
  #   RestrictNamespaces=~user
  #       root on NixOS builds with the local store, so the Nix builds a
  #       remediation's `nixos-rebuild switch` starts run inside this unit
  #       and inherit its seccomp filter: sandboxed builds need user
  #       namespaces, JIT compilers need writable-executable memory, i686
  #       builds need 32-bit system calls and personality(), test suites
  #       open any socket family.
  #   RestrictSUIDSGID=
  #       the activation of a new generation creates setuid wrappers
  #       (/run/wrappers: sudo, su, ping).
  #   CapabilityBoundingSet= without droppedInCheckMode
  #       those capabilities exist to change the host.
  commonServiceConfig = {
    Type = "oneshot";
    User = "root";
    # 0: every case passed or was skipped; 1: findings, reported in the
    # reports and metrics. Both are a completed run. 2 (invalid input),
    # 3 (errors: could not probe) and 130 (interrupted) fail the unit:
    # comply could not do its job.
    SuccessExitStatus = "1";
    # A whole suite with remediation (AIDE's first baseline alone takes
    # minutes, nixos-rebuild may build) or a long inventory. On expiry
    # comply gets SIGTERM, stops its steps and still writes its reports.
    TimeoutStartSec = "1h";
    # SIGTERM to comply alone: it stops its steps itself (SIGTERM, SIGKILL
    # 1 s later) and writes the reports; systemd then kills what is left.
    KillMode = "mixed";
    UMask = "0022";
    # A background job: the steps yield CPU and disk to the workload (units
    # a remediation restarts run at their own priority).
    Nice = 10;
    IOSchedulingClass = "best-effort";
    IOSchedulingPriority = 7;
    # Nothing here needs realtime scheduling.
    RestrictRealtime = true;
    CapabilityBoundingSet = "~" + lib.concatStringsSep " " droppedCapabilities;
  };

  checkModeServiceConfig = {
    NoNewPrivileges = true;
    MemoryDenyWriteExecute = true;
    LockPersonality = true;
    SystemCallArchitectures = "native";
    # EPERM rather than SIGSYS, so a step that tries one fails with a
    # readable error in its transcript. @mount stays: the sshd probes run
    # sshd in `unshare --mount` with a scratch /run, and LIN-FW-001 loads
    # the boot ruleset in `unshare --net`.
    SystemCallFilter = "~@clock @cpu-emulation @debug @module @obsolete @raw-io @reboot @swap";
    SystemCallErrorNumber = "EPERM";
    # Unix (D-Bus, journal), IP (reachability, ssh targets) and netlink
    # (nft, auditctl, ip, ss).
    RestrictAddressFamilies = "AF_UNIX AF_INET AF_INET6 AF_NETLINK";
    # Network and mount namespaces stay (the unshare calls above).
    RestrictNamespaces = "~user";
    RestrictSUIDSGID = true;
    CapabilityBoundingSet = "~" + lib.concatStringsSep " " (droppedCapabilities ++ droppedInCheckMode);
  };

  stateServiceConfig = lib.optionalAttrs stateUnderVarLib {
    StateDirectory = "${lib.removePrefix "/var/lib/" cfg.stateDir}/runs";
    StateDirectoryMode = "0700";
  };
in
{
  options.services.comply = {
    enable = lib.mkEnableOption "comply, a scheduled HIPAA compliance run of this host (as root)";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ./package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ./package.nix { }";
      description = "The comply package to run.";
    };

    remediate = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Heal: pass `--remediate`, so that a failing L1 runbook's remediation
        runs and is verified. When false (check mode) comply changes
        nothing on the host, and the unit is hardened further.
      '';
    };

    allowTierL2 = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Also remediate L2 runbooks (`--allow-tier L2`): changes that can cut
        off a service, such as a default-deny firewall. Requires
        `remediate`.
      '';
    };

    suite = mkOption {
      type = types.nullOr types.path;
      default = null;
      example = "/etc/comply/suite.toml";
      description = ''
        The suite TOML to run (`--suite`). `null` runs the HIPAA Linux suite
        compiled into comply. A path literal such as `./suite.toml` is copied
        into the Nix store alone: a suite that names runbook directories
        relative to itself must be given as a string path on the host, or
        as a file of a copied directory (`"''${./comply-suite}/suite.toml"`).
      '';
    };

    inputs = mkOption {
      type = types.attrsOf types.str;
      default = { };
      example = {
        log_retention_days = "180";
        reachability_hosts = "ehr.example.org:443 backup.example.org:22";
      };
      description = ''
        Suite inputs, each passed as `--input NAME=VALUE`. comply reads a
        value as the type of the input's declared default (lists split on
        commas or spaces); an input no loaded runbook declares is invalid
        input (exit 2).
      '';
    };

    extraArgs = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [
        "--only"
        "LIN-SSH-*"
      ];
      description = ''
        More arguments for `comply run`, after the ones the module sets,
        e.g. `[ "--only" "LIN-SSH-*" ]` or `[ "--inventory" "/etc/comply/hosts" ]`.
        The flags the module owns (${lib.concatStringsSep ", " ownedFlags})
        are refused here: use the options.
      '';
    };

    schedule = mkOption {
      type = types.str;
      default = "daily";
      example = "Mon..Fri 02:00";
      description = "When to run, as systemd's `OnCalendar=` (systemd.time(7)).";
    };

    randomizedDelaySec = mkOption {
      type = types.str;
      default = "1h";
      example = "30min";
      description = ''
        A random delay up to this long before each run (`RandomizedDelaySec=`),
        so that the hosts of a fleet do not all probe and remediate at once.
      '';
    };

    keepRuns = mkOption {
      type = types.ints.positive;
      default = 30;
      description = "How many runs to keep under `stateDir`/runs (`--keep-runs`); older ones are deleted.";
    };

    stateDir = mkOption {
      type = types.str;
      default = "/var/lib/comply";
      description = ''
        Where the runs (`runs/<timestamp>/`: junit.xml, report.json,
        evidence/) and the metrics file `comply.prom` are written. An
        absolute path; `runs` is 0700, the directory itself 0755.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.allowTierL2 -> cfg.remediate;
        message = "services.comply.allowTierL2 requires services.comply.remediate = true (comply accepts --allow-tier only with --remediate).";
      }
      {
        assertion = lib.all validInputName (lib.attrNames cfg.inputs);
        message = "services.comply.inputs: every name must be lower-case letters, digits and `_`, starting with a letter (e.g. log_retention_days); invalid: ${
          lib.concatStringsSep ", " (lib.filter (name: !validInputName name) (lib.attrNames cfg.inputs))
        }.";
      }
      {
        assertion = !(lib.any isOwnedFlag cfg.extraArgs);
        message = "services.comply.extraArgs must not contain ${lib.concatStringsSep ", " ownedFlags}: the module sets them from its options (remediate, allowTierL2, stateDir, keepRuns, suite).";
      }
      {
        # systemd (StateDirectory=) and tmpfiles.d split their lines at
        # whitespace.
        assertion = builtins.match "/[^[:space:]]*[^/[:space:]]" cfg.stateDir != null;
        message = "services.comply.stateDir must be an absolute path without whitespace or a trailing slash, not `${cfg.stateDir}`.";
      }
    ];

    systemd.tmpfiles.rules = lib.optionals (!stateUnderVarLib) [
      "d ${cfg.stateDir} 0755 root root - -"
      "d ${cfg.stateDir}/runs 0700 root root - -"
    ];

    systemd.services.comply = {
      description = "comply compliance run (probe${lib.optionalString cfg.remediate ", remediate"})";
      documentation = [ "man:comply(1)" ];
      # The reachability probe, ssh targets and nixos-rebuild need the
      # network; clocks should be synchronised before timestamps are
      # written into reports.
      wants = [ "network-online.target" ];
      after = [
        "network-online.target"
        "time-sync.target"
      ];

      # The tools the probes judge the host with are the host's own:
      # /run/current-system/sw (sshd, nft, auditctl, nixos-rebuild, ...),
      # resolved at each start and after a switch, ahead of NixOS's default
      # unit PATH (coreutils, findutils, grep, sed, systemd).
      path = [ "/run/current-system/sw" ];

      # What `nixos-rebuild switch` needs when a remediation runs it: the
      # channels' NIX_PATH (nixpkgs=..., nixos-config=...) and root's HOME,
      # as system.autoUpgrade's nixos-upgrade.service has them, and the
      # proxy settings.
      environment = {
        HOME = "/root";
      }
      // lib.optionalAttrs (config.environment.sessionVariables ? NIX_PATH) {
        inherit (config.environment.sessionVariables) NIX_PATH;
      }
      // config.networking.proxy.envVars;

      # A configuration switch must not start a compliance run (a oneshot
      # would be run by every switch whose unit changed), nor stop or
      # restart one: a remediation may itself be running
      # `nixos-rebuild switch`.
      restartIfChanged = false;
      unitConfig.X-StopOnRemoval = false;

      script = "exec ${cfg.package}/bin/comply ${lib.escapeShellArgs args}";

      serviceConfig =
        commonServiceConfig
        // stateServiceConfig
        // lib.optionalAttrs (!cfg.remediate) checkModeServiceConfig;
    };

    systemd.timers.comply = {
      description = "Scheduled comply compliance run";
      wantedBy = [ "timers.target" ];
      timerConfig = {
        OnCalendar = cfg.schedule;
        RandomizedDelaySec = cfg.randomizedDelaySec;
        # A run missed while the host was off starts soon after boot.
        Persistent = true;
      };
    };
  };
}
