//! ShellCheck's findings as `shellcheck` warnings, when the program is
//! installed (Debian package `shellcheck`).

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde::Deserialize;

use super::{Check, Finding, Level};
use crate::cancel::Cancel;
use crate::model::Script;
use crate::target::Exit;
use crate::target::process::{self, Leftovers, Limits};

/// The largest script given to ShellCheck.
const MAX_SCRIPT_BYTES: usize = 256 * 1024;
/// How long ShellCheck may take over one script.
const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Shellcheck {
    program: PathBuf,
}

#[derive(Deserialize)]
struct Report {
    comments: Vec<Comment>,
}

#[derive(Deserialize)]
struct Comment {
    line: usize,
    level: String,
    code: u32,
    message: String,
}

impl Shellcheck {
    /// `shellcheck` on the `PATH`, if there is one.
    pub fn find() -> Option<Shellcheck> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join("shellcheck"))
            .find(|candidate| candidate.is_file())
            .map(|program| Shellcheck { program })
    }

    /// Warnings and errors (not style notes) for one script variant.
    /// ShellCheck's time and memory grow fast with a script's size (a
    /// 20 MB script took 31 s and 1.9 GB), so it runs only on scripts of a
    /// sane size and under a time limit.
    pub fn check(&self, script: &Script, variant: &str) -> Vec<Finding> {
        let finding = |line, message| Finding {
            check: Check::Shellcheck,
            level: Level::Warning,
            variant: variant.to_owned(),
            line,
            message,
        };
        if script.text().len() > MAX_SCRIPT_BYTES {
            return vec![finding(
                None,
                format!(
                    "not checked by shellcheck: {} bytes is more than the {MAX_SCRIPT_BYTES} it is given",
                    script.text().len()
                ),
            )];
        }
        let mut command = Command::new(&self.program);
        command.args(["--format=json1", "--severity=warning"]);
        // Scripts without a shebang run under `sh` (see docs/targets.md).
        if !script.text().starts_with("#!") {
            command.arg("--shell=sh");
        }
        command.arg("-");
        let limits = Limits {
            timeout: TIMEOUT,
            grace: Duration::from_secs(1),
            output_limit: 16 * 1024 * 1024,

            leftovers: Leftovers::Kill,
        };
        let output = match process::run_captured(
            command,
            script.text().as_bytes().to_vec(),
            limits,
            &Cancel::new(),
        ) {
            Ok(output) if output.exit == Exit::TimedOut => {
                return vec![finding(
                    None,
                    format!("shellcheck gave up after {} s", TIMEOUT.as_secs()),
                )];
            }
            Ok(output) => output,
            Err(error) => return vec![finding(None, format!("shellcheck could not run: {error}"))],
        };
        match serde_json::from_slice::<Report>(&output.stdout.bytes) {
            Ok(report) => report
                .comments
                .into_iter()
                .map(|c| {
                    finding(
                        Some(c.line),
                        format!("SC{} ({}): {}", c.code, c.level, c.message),
                    )
                })
                .collect(),
            Err(_) => vec![finding(
                None,
                format!(
                    "shellcheck gave no report: {}",
                    String::from_utf8_lossy(&output.stderr.bytes).trim()
                ),
            )],
        }
    }
}
