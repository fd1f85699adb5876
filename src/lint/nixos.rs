//! `platform-hazard` (docs/lint.md): on NixOS `/etc` is generated from the
//! read-only Nix store. An in-place edit of a managed file fails, or replaces
//! the link with a copy that the next activation throws away; a package
//! manager other than Nix does not exist. Drop-in directories and
//! `/etc/nixos/` are the safe places to write.

use super::shell::{Analysis, RedirectKind, Word};
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

/// Non-option arguments, stopping option parsing at `--`.
fn operands(args: &[Word]) -> Vec<Option<&str>> {
    let mut operands = Vec::new();
    let mut options_done = false;
    for arg in args {
        match arg.as_deref() {
            Some("--") if !options_done => options_done = true,
            Some(word) if !options_done && word.starts_with('-') && word.len() > 1 => {}
            other => operands.push(other),
        }
    }
    operands
}

/// The value of `-t DIR` / `--target-directory=DIR`.
fn target_directory(args: &[Word]) -> Option<&str> {
    let mut iter = args.iter().map(|a| a.as_deref());
    while let Some(arg) = iter.next() {
        match arg {
            Some("-t") | Some("--target-directory") => return iter.next().flatten(),
            Some(word) if word.starts_with("--target-directory=") => {
                return word.split_once('=').map(|(_, v)| v);
            }
            _ => {}
        }
    }
    None
}

/// The files a command writes, as far as its arguments show.
fn written_paths(program: &str, args: &[Word]) -> Vec<String> {
    let known = |list: Vec<Option<&str>>| list.into_iter().flatten().map(str::to_owned).collect();
    match program {
        "sed" => sed_in_place_files(args),
        "tee" => known(operands(args)),
        "cp" | "mv" | "install" | "ln" => {
            if let Some(dir) = target_directory(args) {
                return vec![dir.to_owned()];
            }
            let operands = operands(args);
            let creates_dirs =
                program == "install" && args.iter().any(|a| a.as_deref() == Some("-d"));
            if creates_dirs {
                known(operands)
            } else if operands.len() >= 2 {
                known(vec![*operands.last().expect("two or more")])
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// The files `sed -i` edits: its operands after the script, unless the
/// script came from `-e`/`-f`.
fn sed_in_place_files(args: &[Word]) -> Vec<String> {
    let mut in_place = false;
    let mut script_given = false;
    let mut files = Vec::new();
    let mut iter = args.iter();
    let mut options_done = false;
    while let Some(arg) = iter.next() {
        let Some(word) = arg.as_deref() else {
            files.push(None);
            continue;
        };
        if options_done || !word.starts_with('-') || word == "-" {
            files.push(Some(word));
            continue;
        }
        if word == "--" {
            options_done = true;
        } else if let Some(long) = word.strip_prefix("--") {
            in_place |= long.starts_with("in-place");
            if matches!(long, "expression" | "file") {
                script_given = true;
                iter.next();
            } else if long.starts_with("expression=") || long.starts_with("file=") {
                script_given = true;
            }
        } else {
            // Short options may be bundled: `-ni`, `-Ei.bak`, `-ie 's/x/y/'`.
            for (index, letter) in word[1..].char_indices() {
                match letter {
                    'i' => {
                        in_place = true;
                        break; // the rest is a backup suffix
                    }
                    'e' | 'f' => {
                        script_given = true;
                        if index + 2 == word.len() {
                            iter.next();
                        }
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    if !in_place {
        return Vec::new();
    }
    let skip = usize::from(!script_given);
    files
        .into_iter()
        .skip(skip)
        .flatten()
        .map(str::to_owned)
        .collect()
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
