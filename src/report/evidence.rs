//! Evidence for auditors (`--evidence DIR`, SPEC §5): each step's script,
//! stdout, stderr and exit as files, `DIR/<target>/<runbook>/`, and
//! `DIR/MANIFEST.sha256` with the SHA-256 of every file in `sha256sum`
//! format, so `sha256sum -c MANIFEST.sha256` checks a report against exactly
//! what ran.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::model::sha256_hex;
use crate::runner::{CaseResult, RunReport};
use crate::target::Exit;

/// A path component from a target, runbook, step or scenario name.
fn component(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Refuses a directory that already holds files: evidence of two runs
/// must never mix.
pub fn check_empty(dir: &Path) -> Result<(), String> {
    match std::fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) => Err(format!(
            "evidence directory `{}` is not empty: give a new one for each run",
            dir.display()
        )),
        Ok(false) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let parent = dir
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            if parent.is_dir() {
                Ok(())
            } else {
                Err(format!(
                    "cannot create `{}`: `{}` does not exist",
                    dir.display(),
                    parent.display()
                ))
            }
        }
        Err(error) => Err(format!("cannot read `{}`: {error}", dir.display())),
    }
}

/// The files of one case, relative to the evidence root.
fn case_files(case: &CaseResult) -> Vec<(PathBuf, Vec<u8>)> {
    let mut dir = PathBuf::from(component(&case.target)).join(component(case.runbook.id.as_str()));
    if let Some(gate) = &case.gate {
        dir.push(component(&gate.scenario));
    }
    let mut files = Vec::new();
    let mut verdict = format!("{}\n", case.verdict.message());
    for note in &case.notes {
        let _ = writeln!(verdict, "{note}");
    }
    files.push((dir.join("verdict.txt"), verdict.into_bytes()));
    for (index, step) in case.steps.iter().enumerate() {
        let stem = format!("{:02}-{}", index + 1, component(&step.label));
        files.push((
            dir.join(format!("{stem}.sh")),
            step.script.text().as_bytes().to_vec(),
        ));
        let exit = match &step.result {
            Ok(output) => {
                files.push((
                    dir.join(format!("{stem}.stdout")),
                    output.stdout.bytes.clone(),
                ));
                files.push((
                    dir.join(format!("{stem}.stderr")),
                    output.stderr.bytes.clone(),
                ));
                let code = match output.exit {
                    Exit::Code(code) => code.to_string(),
                    other => other.to_string(),
                };
                format!(
                    "{code}\nvariant {}\nstarted {}\nduration_s {:.3}\nstdout_dropped_bytes {}\nstderr_dropped_bytes {}\n",
                    step.variant,
                    step.started_at.to_rfc3339(),
                    output.duration.as_secs_f64(),
                    output.stdout.dropped,
                    output.stderr.dropped
                )
            }
            Err(error) => format!(
                "target-error: {error}\nvariant {}\nstarted {}\n",
                step.variant,
                step.started_at.to_rfc3339()
            ),
        };
        files.push((dir.join(format!("{stem}.exit")), exit.into_bytes()));
    }
    files
}

/// Writes the evidence of a run and its manifest.
pub fn write(dir: &Path, run: &RunReport) -> std::io::Result<()> {
    let mut manifest = String::new();
    for case in run.cases() {
        for (relative, bytes) in case_files(case) {
            let path = dir.join(&relative);
            std::fs::create_dir_all(path.parent().expect("inside the evidence directory"))?;
            std::fs::write(&path, &bytes)?;
            let _ = writeln!(manifest, "{}  {}", sha256_hex(&bytes), relative.display());
        }
    }
    super::write_atomically(&dir.join("MANIFEST.sha256"), manifest.as_bytes())
}
