//! What a script changes, as far as its words show without running it:
//! the files it writes or whose metadata it changes, and the systemd units
//! it starts, stops, enables or masks. The remediation plan
//! (`comply run --remediate --plan`) shows this to an operator before
//! anything runs; `platform-hazard` reads the written files.
//!
//! Static, so never the whole truth: a path or unit computed at run time
//! (`"$dir/x"`, `$(find …)`) is reported by its line as unknown rather than
//! guessed, and a program comply does not know is not assumed to change
//! nothing.

use std::collections::BTreeSet;

use super::shell::{Analysis, RedirectKind, Word};
use super::systemd::{unit_name, verb_and_units};

/// Redirection targets that are not files on the host.
pub(super) const NOT_FILES: [&str; 4] = ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"];

/// `systemctl` verbs that change a unit's state or configuration.
const CHANGING_VERBS: [&str; 13] = [
    "start",
    "stop",
    "restart",
    "try-restart",
    "reload",
    "reload-or-restart",
    "enable",
    "disable",
    "reenable",
    "mask",
    "unmask",
    "kill",
    "edit",
];

/// What a script changes, statically.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touches {
    /// Files written, created, removed, or whose mode or owner changes;
    /// kernel settings as their `/proc/sys` file.
    pub files: BTreeSet<String>,
    /// systemd units whose state changes.
    pub units: BTreeSet<String>,
    /// Lines where a file or unit is computed at run time.
    pub unknown: BTreeSet<usize>,
}

/// The files and units `script` changes.
pub fn touches(script: &Analysis) -> Touches {
    let mut touches = Touches::default();
    for command in &script.commands {
        for redirect in &command.redirects {
            if redirect.kind == RedirectKind::Other {
                continue;
            }
            match redirect.target.as_deref() {
                Some(path) if NOT_FILES.contains(&path) => {}
                Some(path) => {
                    touches.files.insert(path.to_owned());
                }
                None => {
                    touches.unknown.insert(redirect.line);
                }
            }
        }
        let Some((program, args)) = command.program() else {
            continue;
        };
        let (files, units) = changed_by(program, args);
        let mut computed = false;
        for file in files {
            match file {
                Some(path) => {
                    touches.files.insert(path);
                }
                None => computed = true,
            }
        }
        for unit in units {
            match unit {
                Some(unit) => {
                    touches.units.insert(unit_name(&unit));
                }
                None => computed = true,
            }
        }
        if computed {
            touches.unknown.insert(command.line);
        }
    }
    touches
}

type Changed = (Vec<Option<String>>, Vec<Option<String>>);

/// The files and units one command changes; `None` for one computed at
/// run time.
fn changed_by(program: &str, args: &[Word]) -> Changed {
    let owned = |list: Vec<Option<&str>>| -> Vec<Option<String>> {
        list.into_iter().map(|w| w.map(str::to_owned)).collect()
    };
    match program {
        "systemctl" => match verb_and_units(args) {
            Some((verb, units)) if CHANGING_VERBS.contains(&verb) => (Vec::new(), owned(units)),
            _ => (Vec::new(), Vec::new()),
        },
        // `service NAME VERB`: SysV-style, also a unit on systemd hosts.
        "service" => match operands(args).as_slice() {
            [name, Some(verb), ..] if *verb != "status" => (Vec::new(), owned(vec![*name])),
            _ => (Vec::new(), Vec::new()),
        },
        // The first operand is the mode or owner, the rest are files.
        "chmod" | "chown" | "chgrp" | "setfacl" => (
            owned(operands(args).into_iter().skip(1).collect()),
            Vec::new(),
        ),
        "rm" | "rmdir" | "touch" | "mkdir" | "truncate" | "shred" | "unlink" => {
            // Options whose value is the next word, per program.
            let with_value: &[&str] = match program {
                "truncate" => &["-s", "-r", "-o"],
                "touch" => &["-r", "-d", "-t"],
                "mkdir" => &["-m"],
                "shred" => &["-n", "-s"],
                _ => &[],
            };
            (owned(operands_after_values(args, with_value)), Vec::new())
        }
        "sysctl" => (sysctl_files(args), Vec::new()),
        _ => {
            let files = written_paths(program, args);
            let computed = program == "tee" && operands(args).iter().any(Option::is_none);
            let mut files: Vec<Option<String>> = files.into_iter().map(Some).collect();
            if computed {
                files.push(None);
            }
            (files, Vec::new())
        }
    }
}

/// `sysctl -w key=value` (or `sysctl key=value`) writes
/// `/proc/sys/<key with dots as slashes>`; `sysctl -p FILE` applies a file.
fn sysctl_files(args: &[Word]) -> Vec<Option<String>> {
    let applies_files = args
        .iter()
        .any(|a| matches!(a.as_deref(), Some("-p" | "--load" | "--system")));
    if applies_files {
        // Which settings a file holds is not in the script's words.
        return vec![None];
    }
    operands(args)
        .into_iter()
        .filter_map(|word| match word {
            Some(word) => word
                .split_once('=')
                .map(|(key, _)| Some(format!("/proc/sys/{}", key.replace('.', "/")))),
            None => Some(None),
        })
        .collect()
}

/// Operands, skipping the value of each option in `with_value`.
fn operands_after_values<'a>(args: &'a [Word], with_value: &[&str]) -> Vec<Option<&'a str>> {
    let mut kept = Vec::new();
    let mut iter = args.iter().map(|a| a.as_deref());
    let mut options_done = false;
    while let Some(arg) = iter.next() {
        match arg {
            Some("--") if !options_done => options_done = true,
            Some(word) if !options_done && with_value.contains(&word) => {
                iter.next();
            }
            Some(word) if !options_done && word.starts_with('-') && word.len() > 1 => {}
            other => kept.push(other),
        }
    }
    kept
}

/// Non-option arguments, stopping option parsing at `--`.
fn operands(args: &[Word]) -> Vec<Option<&str>> {
    operands_after_values(args, &[])
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
pub(super) fn written_paths(program: &str, args: &[Word]) -> Vec<String> {
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
    use crate::lint::shell::analyze;

    fn of(script: &str) -> Touches {
        touches(&analyze(script))
    }

    #[test]
    fn files_written_removed_or_re_permissioned_are_named() {
        let found = of("set -eu\n\
             echo 'max_log_file = 8' > /etc/audit/auditd.conf\n\
             printf x >> /var/log/x 2>/dev/null\n\
             sed -i 's/a/b/' /etc/login.defs\n\
             chmod 0600 /etc/shadow\n\
             rm -f /etc/cron.deny\n\
             truncate -s 0 /var/log/wtmp\n\
             sysctl -w net.ipv4.ip_forward=0\n");
        let files: Vec<&str> = found.files.iter().map(String::as_str).collect();
        assert_eq!(
            files,
            [
                "/etc/audit/auditd.conf",
                "/etc/cron.deny",
                "/etc/login.defs",
                "/etc/shadow",
                "/proc/sys/net/ipv4/ip_forward",
                "/var/log/wtmp",
                "/var/log/x",
            ]
        );
        assert!(found.units.is_empty());
        assert!(found.unknown.is_empty());
    }

    #[test]
    fn units_whose_state_changes_are_named_and_status_is_not() {
        let found = of("systemctl enable --now auditd\n\
             systemctl is-active sshd\n\
             systemctl restart systemd-journald.service\n\
             service rsyslog restart\n");
        let units: Vec<&str> = found.units.iter().map(String::as_str).collect();
        assert_eq!(
            units,
            [
                "auditd.service",
                "rsyslog.service",
                "systemd-journald.service"
            ]
        );
    }

    #[test]
    fn what_is_computed_at_run_time_is_unknown_by_line() {
        let found = of("dir=$(mktemp -d)\necho x > \"$dir/x\"\nsystemctl restart \"$1\"\n");
        assert!(found.files.is_empty());
        assert_eq!(found.unknown.into_iter().collect::<Vec<_>>(), [2, 3]);
    }
}
