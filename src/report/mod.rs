//! Consumers of a run: the console as it happens, JUnit and JSON at the end.
//! Report files are written atomically (temp file + rename), so a crash or
//! Ctrl-C never leaves half a report.

pub mod console;
pub mod evidence;
pub mod json;
pub mod junit;
pub mod lint;
pub mod transcript;

use std::io::Write;
use std::path::Path;

use crate::model::Suite;

/// Facts about the run that every report carries.
#[derive(Debug, Clone)]
pub struct RunMeta {
    pub suite: String,
    pub suite_source: String,
    pub runbooks_sha256: String,
    /// Effective inputs as scripts see them.
    pub inputs: Vec<(String, String)>,
}

impl RunMeta {
    pub fn of(suite: &Suite) -> Self {
        RunMeta {
            suite: suite.name.clone(),
            suite_source: suite.source.clone(),
            runbooks_sha256: suite.runbooks_sha256(),
            inputs: suite
                .inputs
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_env()))
                .collect(),
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory
/// and a rename, so readers see the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(directory)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}
