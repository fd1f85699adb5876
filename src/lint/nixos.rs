//! `platform-hazard` (docs/lint.md): on NixOS `/etc` is generated from the
//! read-only Nix store. An in-place edit of a managed file fails, or replaces
//! the link with a copy that the next activation throws away; a package
//! manager other than Nix does not exist. Drop-in directories and
//! `/etc/nixos/` are the safe places to write.

use super::shell::{Analysis, RedirectKind};
use super::touches::written_paths;
use super::{Check, Finding, Level};

const PACKAGE_MANAGERS: [&str; 5] = ["apt", "apt-get", "dnf", "yum", "zypper"];

pub fn platform_hazards(script: &Analysis, variant: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    for command in &script.commands {
        for redirect in &command.redirects {
            if redirect.kind != RedirectKind::Other
                && let Some(path) = redirect.target.as_deref().filter(|p| is_hazard(p))
            {
                findings.push(hazard(variant, redirect.line, path, "a redirection writes"));
            }
        }
        let Some((program, args)) = command.program() else {
            continue;
        };
        if PACKAGE_MANAGERS.contains(&program) {
            findings.push(Finding {
                check: Check::PlatformHazard,
                level: Level::Failure,
                variant: variant.to_owned(),
                line: Some(command.line),
                message: format!(
                    "`{program}` does not exist on NixOS: packages come from configuration.nix \
                     (environment.systemPackages) and `nixos-rebuild switch`"
                ),
            });
        }
        for path in written_paths(program, args)
            .into_iter()
            .filter(|p| is_hazard(p))
        {
            findings.push(hazard(
                variant,
                command.line,
                &path,
                &format!("`{program}` writes"),
            ));
        }
    }
    findings
}

fn hazard(variant: &str, line: usize, path: &str, how: &str) -> Finding {
    Finding {
        check: Check::PlatformHazard,
        level: Level::Failure,
        variant: variant.to_owned(),
        line: Some(line),
        message: format!(
            "{how} {path}: on NixOS {path} is a link into the read-only store: this edit fails or is \
             undone at the next activation; {}",
            safe_alternative(path)
        ),
    }
}

/// Where the same setting can live safely.
fn safe_alternative(path: &str) -> String {
    const KNOWN: [(&str, &str); 5] = [
        ("/etc/sysctl.conf", "/etc/sysctl.d/"),
        ("/etc/sudoers", "/etc/sudoers.d/"),
        ("/etc/crontab", "/etc/cron.d/"),
        ("/etc/modprobe.conf", "/etc/modprobe.d/"),
        ("/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d/"),
    ];
    let drop_in = KNOWN
        .iter()
        .find(|(file, _)| *file == path)
        .map(|(_, dir)| (*dir).to_owned())
        .or_else(|| {
            (path.ends_with(".conf") || path.ends_with("_config")).then(|| format!("{path}.d/"))
        });
    match drop_in {
        Some(dir) => format!("write a drop-in under {dir} or change configuration.nix"),
        None => {
            "change configuration.nix (or a drop-in directory, if the program reads one)".to_owned()
        }
    }
}

/// A path under `/etc` that is neither in a drop-in directory nor in
/// `/etc/nixos/`.
fn is_hazard(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/etc/") else {
        return false;
    };
    let components: Vec<&str> = rest
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if components.is_empty() || components.contains(&"..") {
        return false;
    }
    components[0] != "nixos" && !components.iter().any(|c| c.ends_with(".d"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_ins_and_etc_nixos_are_safe() {
        assert!(is_hazard("/etc/systemd/journald.conf"));
        assert!(is_hazard("/etc/ssh/sshd_config"));
        assert!(!is_hazard("/etc/systemd/journald.conf.d/99-comply.conf"));
        assert!(!is_hazard("/etc/sysctl.d/60-comply.conf"));
        assert!(!is_hazard("/etc/nixos/configuration.nix"));
        assert!(!is_hazard("/var/lib/x"));
        assert!(!is_hazard("/etcetera/x"));
    }

    #[test]
    fn suggests_the_drop_in_directory() {
        assert!(
            safe_alternative("/etc/systemd/journald.conf")
                .contains("/etc/systemd/journald.conf.d/")
        );
        assert!(safe_alternative("/etc/sysctl.conf").contains("/etc/sysctl.d/"));
        assert!(safe_alternative("/etc/login.defs").starts_with("change configuration.nix"));
    }
}
