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

use std::collections::{BTreeMap, BTreeSet};

use super::shell::{Analysis, RedirectKind, Word};
use super::systemd::{unit_name, verb_and_units};

/// Redirection targets that are not files on the host.
pub(super) const NOT_FILES: [&str; 4] = ["/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty"];

/// `systemctl` verbs that only look; every other verb is taken to change
/// something.
const LOOKING_VERBS: &[&str] = &[
    "status",
    "show",
    "cat",
    "is-active",
    "is-enabled",
    "is-failed",
    "is-system-running",
    "list-units",
    "list-unit-files",
    "list-timers",
    "list-sockets",
    "list-dependencies",
    "list-jobs",
    "get-default",
    "show-environment",
    "help",
];

/// Programs and builtins that change nothing on the host comply would
/// need to name (`mktemp` only makes a temporary file). Anything else that
/// is not modelled below is reported as not analysed, never assumed
/// harmless — `trap` among them: its string runs later, unread.
const LOOKING_PROGRAMS: &[&str] = &[
    "echo",
    "printf",
    "true",
    "false",
    ":",
    "test",
    "[",
    "[[",
    "cat",
    "head",
    "tail",
    "grep",
    "egrep",
    "fgrep",
    "cut",
    "tr",
    "wc",
    "stat",
    "ls",
    "id",
    "getent",
    "type",
    "which",
    "readlink",
    "realpath",
    "basename",
    "dirname",
    "sleep",
    "logger",
    "exit",
    "return",
    "local",
    "set",
    "shift",
    "read",
    "cd",
    "pwd",
    "umask",
    "wait",
    "export",
    "unset",
    "readonly",
    "declare",
    "typeset",
    "let",
    "getopts",
    "break",
    "continue",
    "shopt",
    "cmp",
    "diff",
    "sha256sum",
    "md5sum",
    "dpkg-query",
    "pgrep",
    "pidof",
    "ps",
    "uname",
    "findmnt",
    "lsblk",
    "blkid",
    "df",
    "du",
    "nproc",
    "getconf",
    "seq",
    "expr",
    "base64",
    "od",
    "mktemp",
    "systemd-analyze",
    "systemd-detect-virt",
    "ss",
    "zcat",
    "zgrep",
];

/// What a script changes, statically.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Touches {
    /// Files written, created, removed, or whose mode or owner changes;
    /// kernel settings as their `/proc/sys` file.
    pub files: BTreeSet<String>,
    /// systemd units whose state changes.
    pub units: BTreeSet<String>,
    /// Lines where a file, unit or program is computed at run time.
    pub unknown: BTreeSet<usize>,
    /// Programs comply does not model, with the first line each runs on:
    /// what they change is not in `files` or `units`.
    pub not_analysed: BTreeMap<String, usize>,
    /// The line of the first syntax error: nothing can be said.
    pub unparsed: Option<usize>,
}

impl Touches {
    /// Whether `files` and `units` are all the script changes, as far as
    /// its words can show.
    pub fn complete(&self) -> bool {
        self.unknown.is_empty() && self.not_analysed.is_empty() && self.unparsed.is_none()
    }
}

/// The files and units `script` changes.
pub fn touches(script: &Analysis) -> Touches {
    let mut touches = Touches {
        unparsed: script.syntax_error,
        ..Touches::default()
    };
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
        if command.test || command.argv.is_empty() {
            continue;
        }
        let Some((program, args)) = command.program() else {
            // `"$tool" …`: which program runs is not in the words.
            touches.unknown.insert(command.line);
            continue;
        };
        if script.functions.contains(program) || LOOKING_PROGRAMS.contains(&program) {
            continue;
        }
        let (files, units) = match changed_by(program, args) {
            Ok(changed) => changed,
            Err(what) => {
                touches.not_analysed.entry(what).or_insert(command.line);
                continue;
            }
        };
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

/// The files and units one command changes (`None` for one computed at
/// run time), or what it runs whose changes comply cannot itemise (a
/// program it does not model, `systemctl daemon-reload`).
fn changed_by(program: &str, args: &[Word]) -> Result<Changed, String> {
    let owned = |list: Vec<Option<&str>>| -> Vec<Option<String>> {
        list.into_iter().map(|w| w.map(str::to_owned)).collect()
    };
    let files = |list| Ok((owned(list), Vec::new()));
    match program {
        "systemctl" => match verb_and_units(args) {
            Some((verb, _)) if LOOKING_VERBS.contains(&verb) => Ok((Vec::new(), Vec::new())),
            // `daemon-reload`, `reboot`, `isolate X`: not a unit's state.
            Some((verb, units)) if units.is_empty() || verb == "isolate" => {
                Err(format!("systemctl {verb}"))
            }
            Some((_, units)) => Ok((Vec::new(), owned(units))),
            // A computed verb may change anything.
            None => Ok((Vec::new(), vec![None])),
        },
        // `service NAME VERB`: SysV-style, also a unit on systemd hosts.
        "service" => Ok(match operands(args).as_slice() {
            [_, Some("status"), ..] => (Vec::new(), Vec::new()),
            [name, ..] => (Vec::new(), owned(vec![*name])),
            [] => (Vec::new(), Vec::new()),
        }),
        // The first operand is the mode or owner, the rest are files —
        // unless `--reference=FILE` gave the mode. A chmod mode may start
        // with `-` (`chmod -w f`): only its real options are skipped.
        "chmod" | "chown" | "chgrp" => {
            let by_reference = args
                .iter()
                .any(|a| a.as_deref().is_some_and(|w| w.starts_with("--reference")));
            let positional: Vec<Option<&str>> = args
                .iter()
                .map(|a| a.as_deref())
                .filter(|word| {
                    !word.is_some_and(|w| {
                        w.starts_with("--") || matches!(w, "-R" | "-v" | "-c" | "-f" | "-h")
                    })
                })
                .collect();
            let skip = usize::from(!by_reference);
            files(positional.into_iter().skip(skip).collect())
        }
        // `sort -o FILE`, `uniq IN OUT`: the only ways they write.
        "sort" => files(option_values(args, "-o", "--output")),
        "uniq" => files(operands(args).into_iter().skip(1).take(1).collect()),
        "date" | "journalctl" => {
            let changing: &[&str] = if program == "date" {
                &["-s", "--set"]
            } else {
                &[
                    "--flush",
                    "--rotate",
                    "--sync",
                    "--relinquish-var",
                    "--setup-keys",
                    "--vacuum",
                ]
            };
            match args
                .iter()
                .flatten()
                .find(|word| changing.iter().any(|option| word.starts_with(option)))
            {
                Some(option) => Err(format!("{program} {option}")),
                None => Ok((Vec::new(), Vec::new())),
            }
        }
        "setfacl" => files(operands_after_values(args, &["-m", "-x", "-M", "-X"])),
        "rm" | "rmdir" | "touch" | "mkdir" | "truncate" | "shred" | "unlink" => {
            // Options whose value is the next word, per program.
            let with_value: &[&str] = match program {
                "truncate" => &["-s", "-r", "-o"],
                "touch" => &["-r", "-d", "-t"],
                "mkdir" => &["-m"],
                "shred" => &["-n", "-s"],
                _ => &[],
            };
            files(operands_after_values(args, with_value))
        }
        "sysctl" => Ok((sysctl_files(args), Vec::new())),
        // A sed script's own `w FILE` command writes a file its words name
        // only inside the script.
        "sed" if sed_script_writes(args) => Err("sed with a `w` command".to_owned()),
        "sed" | "tee" | "cp" | "mv" | "install" | "ln" => files(written_words(program, args)),
        _ => Err(program.to_owned()),
    }
}

/// The values of a short option (`-o F`, `-oF`) and its long form
/// (`--output F`, `--output=F`).
fn option_values<'a>(args: &'a [Word], short: &str, long: &str) -> Vec<Option<&'a str>> {
    let mut values = Vec::new();
    let mut iter = args.iter().map(|a| a.as_deref());
    while let Some(word) = iter.next() {
        match word {
            Some(w) if w == short || w == long => values.push(iter.next().flatten()),
            Some(w) if w.starts_with(&format!("{long}=")) => {
                values.push(w.split_once('=').map(|(_, v)| v));
            }
            Some(w) if w.starts_with(short) && !w.starts_with("--") => values.push(Some(&w[2..])),
            _ => {}
        }
    }
    values
}

/// Whether a sed script (its first operand, or an `-e` value) holds a `w`
/// command — `w /file`, `s/a/b/w /file` — as far as a plain search shows.
fn sed_script_writes(args: &[Word]) -> bool {
    args.iter()
        .flatten()
        .any(|word| !word.starts_with('-') && (word.contains("w /") || word.contains("W /")))
}

/// `sysctl -w key=value` (or `sysctl key=value`) writes
/// `/proc/sys/<key with dots as slashes>`; `sysctl -p FILE`, `-f FILE`,
/// `--load` and `--system` apply files.
fn sysctl_files(args: &[Word]) -> Vec<Option<String>> {
    let applies_files = args.iter().any(|a| {
        a.as_deref().is_some_and(|w| {
            w.starts_with("-p") || w.starts_with("-f") || w.starts_with("--load") || w == "--system"
        })
    });
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
    written_words(program, args)
        .into_iter()
        .flatten()
        .map(str::to_owned)
        .collect()
}

/// The words that name the files a command writes; `None` for one
/// computed at run time.
fn written_words<'a>(program: &str, args: &'a [Word]) -> Vec<Option<&'a str>> {
    match program {
        "sed" => sed_in_place_files(args),
        "tee" => operands(args),
        "cp" | "mv" | "install" | "ln" => {
            if let Some(dir) = target_directory(args) {
                return vec![Some(dir)];
            }
            let operands = if program == "install" {
                operands_after_values(args, &["-m", "-o", "-g", "-S"])
            } else {
                operands(args)
            };
            let creates_dirs =
                program == "install" && args.iter().any(|a| a.as_deref() == Some("-d"));
            if creates_dirs || (program == "mv" && operands.len() >= 2) {
                // `mv` removes its sources and writes its destination.
                operands
            } else if operands.len() >= 2 {
                vec![*operands.last().expect("two or more")]
            } else if program == "ln" {
                // `ln -s TARGET` makes a link in the working directory.
                vec![None]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// The files `sed -i` edits: its operands after the script, unless the
/// script came from `-e`/`-f`.
fn sed_in_place_files(args: &[Word]) -> Vec<Option<&str>> {
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
    files.into_iter().skip(skip).collect()
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
    fn programs_it_does_not_model_are_named_never_assumed_harmless() {
        let found = of("apt-get install -y aide\nuseradd -r svc\napt-get clean\n\
             sh -c 'rm -rf /x'\necho done\nsystemctl reboot\n");
        let not_analysed: Vec<(&str, usize)> = found
            .not_analysed
            .iter()
            .map(|(program, line)| (program.as_str(), *line))
            .collect();
        assert_eq!(
            not_analysed,
            [
                ("apt-get", 1),
                ("sh", 4),
                ("systemctl reboot", 6),
                ("useradd", 2)
            ]
        );
        assert!(!found.complete());
        // A verb that is not known to only look changes the host.
        assert_eq!(
            of("systemctl mask --now ctrl-alt-del.target\n").units.len(),
            1
        );
        assert_eq!(
            of("systemctl is-enabled sshd\ngrep x /etc/y\n"),
            Touches::default()
        );
    }

    #[test]
    fn looking_programs_that_can_write_are_read_for_their_writing_options() {
        let found = of(
            "trap 'rm -f /etc/x' EXIT\nsort -o /etc/hosts.allow /etc/a\nsort /etc/a\n\
             uniq /etc/a /etc/b\ndate -s 2020-01-01\njournalctl --flush\njournalctl -u ssh\n\
             chmod -w /etc/x\nsysctl -f /etc/sysctl.d/x.conf\nmv /etc/a /etc/b.bak\n\
             sed -n 'w /etc/copy' /etc/a\n",
        );
        let files: Vec<&str> = found.files.iter().map(String::as_str).collect();
        assert_eq!(
            files,
            [
                "/etc/a",
                "/etc/b",
                "/etc/b.bak",
                "/etc/hosts.allow",
                "/etc/x"
            ]
        );
        let not_analysed: Vec<&str> = found.not_analysed.keys().map(String::as_str).collect();
        assert_eq!(
            not_analysed,
            [
                "date -s",
                "journalctl --flush",
                "sed with a `w` command",
                "trap"
            ]
        );
        assert_eq!(found.unknown.iter().copied().collect::<Vec<_>>(), [9]);
    }

    #[test]
    fn options_values_are_not_files() {
        let found = of(
            "install -d -m 0700 -o root /var/lib/x\nchmod --reference=/etc/a /etc/b\n\
             setfacl -b /var/log/syslog\n",
        );
        let files: Vec<&str> = found.files.iter().map(String::as_str).collect();
        assert_eq!(files, ["/etc/b", "/var/lib/x", "/var/log/syslog"]);
    }

    #[test]
    fn a_script_that_does_not_parse_says_nothing_is_known() {
        let found = of("if then fi (\n");
        assert!(found.unparsed.is_some());
        assert!(!found.complete());
    }

    #[test]
    fn what_is_computed_at_run_time_is_unknown_by_line() {
        let found = of(
            "dir=$(mktemp -d)\necho x > \"$dir/x\"\nsystemctl restart \"$1\"\n\
             for f in $(ls /etc/x); do sed -i s/a/b/ \"$f\"; done\n\"$tool\" --fix\n\
             service ssh \"$verb\"\n",
        );
        assert!(found.files.is_empty());
        assert_eq!(
            found.unknown.iter().copied().collect::<Vec<_>>(),
            [2, 3, 4, 5]
        );
        assert_eq!(found.units.iter().collect::<Vec<_>>(), ["ssh.service"]);
    }
}
