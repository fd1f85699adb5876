//! ShellCheck's findings as `shellcheck` warnings, when the program is
//! installed (Debian package `shellcheck`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde::Deserialize;

use super::{Check, Finding, Level};
use crate::model::Script;

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
    pub fn check(&self, script: &Script, variant: &str) -> Vec<Finding> {
        let mut command = Command::new(&self.program);
        command.args(["--format=json1", "--severity=warning"]);
        // Scripts without a shebang run under `sh` (SPEC §2).
        if !script.text().starts_with("#!") {
            command.arg("--shell=sh");
        }
        command
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let finding = |line, message| Finding {
            check: Check::Shellcheck,
            level: Level::Warning,
            variant: variant.to_owned(),
            line,
            message,
        };
        let output = command.spawn().and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(script.text().as_bytes())?;
            }
            child.wait_with_output()
        });
        let output = match output {
            Ok(output) => output,
            Err(error) => return vec![finding(None, format!("shellcheck could not run: {error}"))],
        };
        match serde_json::from_slice::<Report>(&output.stdout) {
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
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            )],
        }
    }
}
