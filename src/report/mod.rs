//! Consumers of a run: the console as it happens; JUnit, JSON and metrics
//! from the finished run's [`json::Document`]; evidence from the run itself
//! (it keeps the scripts and raw output the documents only hash).
//! Report files are written atomically (temp file + rename), so a crash or
//! Ctrl-C never leaves half a report.

pub mod console;
pub mod diff;
pub mod evidence;
pub mod html;
pub mod json;
pub mod junit;
pub mod lint;
pub mod merge;
pub mod prom;
pub mod run_dir;
pub mod signing;
pub mod transcript;
pub mod verify;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::model::{Runbook, Suite};

/// `println!` that never panics: a reader that stopped reading
/// (`comply list | head -1`) has what it wanted, and a run whose terminal
/// went away must still write its reports. `println!` panics on a closed
/// standard output instead.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(anstream::stdout(), $($arg)*);
    }};
}

// How JUnit names a case, which the JSON report records too.
/// `{target}.{family}` with the target's dots replaced, so CI tools that
/// split class names on dots do not take a host name apart.
pub fn classname(target: &str, family: &str) -> String {
    format!("{}.{family}", target.replace('.', "-"))
}

/// `{citation} {id}: {title}`, and in the gate the scenario, which keeps
/// (classname, name) unique across a runbook's scenarios.
pub fn case_name(runbook: &Runbook, scenario: Option<&str>) -> String {
    let name = format!(
        "{} {}: {}",
        runbook.primary_citation().id,
        runbook.id,
        runbook.title
    );
    match scenario {
        Some(scenario) => format!("{name} [{scenario}]"),
        None => name,
    }
}

/// Facts about the run that every report carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunMeta {
    pub suite: String,
    pub suite_source: String,
    pub runbooks_sha256: String,
    /// Effective inputs as scripts see them.
    pub inputs: std::collections::BTreeMap<String, String>,
}

impl RunMeta {
    pub fn of(suite: &Suite) -> Self {
        RunMeta {
            suite: suite.name.clone(),
            suite_source: suite.source.clone(),
            runbooks_sha256: crate::bundle::runbooks_sha256(suite),
            inputs: suite
                .inputs
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_env()))
                .collect(),
        }
    }
}

/// Checks, before anything runs, that a report can be written to `path`
/// the way [`write_atomically`] will: its directory exists and takes a new
/// file, and `path` is not a directory or anything but a regular file (a
/// rename over `/dev/null` would replace the device).
pub fn check_destination(path: &Path) -> Result<(), String> {
    let shown = path.display();
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        if metadata.is_dir() {
            return Err(format!("cannot write `{shown}`: it is a directory"));
        }
        if !metadata.is_file() {
            return Err(format!(
                "cannot write `{shown}`: it exists and is not a regular file"
            ));
        }
    }
    let directory = directory_of(path);
    if !directory.is_dir() {
        return Err(format!(
            "cannot write `{shown}`: directory `{}` does not exist",
            directory.display()
        ));
    }
    tempfile::NamedTempFile::new_in(directory)
        .map(drop)
        .map_err(|error| {
            format!(
                "cannot write `{shown}`: cannot create a file in `{}`: {error}",
                directory.display()
            )
        })
}

/// The file a path names, for telling two report destinations apart:
/// its directory resolved, then its name.
pub fn identity(path: &Path) -> PathBuf {
    let directory = directory_of(path);
    let directory = directory
        .canonicalize()
        .unwrap_or_else(|_| directory.to_owned());
    match path.file_name() {
        Some(name) => directory.join(name),
        None => directory,
    }
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so readers see the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with_mode(path, bytes, 0o600)
}

/// [`write_atomically`] with the file's mode (metrics are read by
/// node_exporter, which does not run as root: 0644).
pub fn write_atomically_with_mode(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut file = tempfile::NamedTempFile::new_in(directory_of(path))?;
    file.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}
