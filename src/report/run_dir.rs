//! `--report-dir DIR --keep-runs N`: every run's reports in a directory of
//! its own, `DIR/<UTC time>-<pid>/` (`junit.xml`, `report.json`,
//! `evidence/`), and only the newest N such directories kept — what a
//! periodic run on an appliance needs so that its disk does not fill up.
//! Only directories named like comply's own and marked complete (their
//! run wrote its reports) are ever removed, never the current run's; a run
//! that fails before it starts removes its own empty directory.

use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Written into a run directory once its reports are.
const COMPLETE: &str = "COMPLETE";

/// A run's directory; removed when dropped unless the run completed.
#[derive(Debug)]
pub struct RunDir {
    path: PathBuf,
    completed: bool,
}

impl RunDir {
    /// Creates a fresh run directory (0700) under `parent` (created 0755
    /// if missing).
    pub fn create(parent: &Path) -> io::Result<RunDir> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(parent)?;
        let name = format!(
            "{}-{}",
            chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
            std::process::id()
        );
        let path = parent.join(name);
        std::fs::DirBuilder::new().mode(0o700).create(&path)?;
        Ok(RunDir {
            path,
            completed: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Marks the run complete (its reports are written) and keeps it.
    pub fn complete(mut self) -> io::Result<PathBuf> {
        std::fs::write(self.path.join(COMPLETE), b"")?;
        self.completed = true;
        Ok(std::mem::take(&mut self.path))
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.completed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Whether `name` is one [`create`] makes: `YYYYMMDDTHHMMSSZ-PID`.
fn is_run_dir(name: &str) -> bool {
    let Some((stamp, pid)) = name.split_once('-') else {
        return false;
    };
    if !stamp.is_ascii() {
        return false;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    stamp.len() == 16
        && digits(&stamp[..8])
        && &stamp[8..9] == "T"
        && digits(&stamp[9..15])
        && &stamp[15..] == "Z"
        && digits(pid)
}

/// Keeps the newest `keep` complete runs under `parent`, counting
/// `current` (the run just completed, never removed) as one of them;
/// returns the directories removed.
pub fn prune(parent: &Path, keep: usize, current: &Path) -> io::Result<Vec<PathBuf>> {
    let mut runs: Vec<(String, PathBuf)> = std::fs::read_dir(parent)?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let path = entry.path();
            (is_run_dir(&name) && path != current && path.join(COMPLETE).is_file())
                .then_some((name, path))
        })
        .collect();
    // The names sort by time (then pid): the oldest first.
    runs.sort();
    let excess = runs.len().saturating_sub(keep.saturating_sub(1));
    let mut removed = Vec::new();
    for (_, path) in runs.into_iter().take(excess) {
        match std::fs::remove_dir_all(&path) {
            // Another comply pruning at the same time got there first.
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
            Ok(()) => removed.push(path),
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(parent: &Path, name: &str, complete: bool) -> PathBuf {
        let path = parent.join(name);
        std::fs::create_dir(&path).unwrap();
        if complete {
            std::fs::write(path.join(COMPLETE), "").unwrap();
        }
        path
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut left: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        left
    }

    #[test]
    fn keeps_the_newest_complete_runs_and_touches_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path();
        run(parent, "20261101T000000Z-1", true);
        run(parent, "20261102T000000Z-1", true);
        run(parent, "20261103T000000Z-7", false); // running, or crashed
        run(parent, "notes", true);
        run(parent, "1234567é1234567-1", true);
        std::fs::write(parent.join("20261100T000000Z-1"), "a file").unwrap();
        let current = run(parent, "20261104T000000Z-9", true);
        let removed = prune(parent, 2, &current).unwrap();
        assert_eq!(removed, [parent.join("20261101T000000Z-1")]);
        assert_eq!(
            names(parent),
            [
                "1234567é1234567-1",
                "20261100T000000Z-1",
                "20261102T000000Z-1",
                "20261103T000000Z-7",
                "20261104T000000Z-9",
                "notes"
            ]
        );
        // The current run stays even when nothing else may.
        prune(parent, 1, &current).unwrap();
        assert!(current.is_dir());
        assert!(!parent.join("20261102T000000Z-1").exists());
    }

    #[test]
    fn a_run_that_never_completes_leaves_no_directory() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path().join("runs");
        let failed = RunDir::create(&parent).unwrap();
        let path = failed.path().to_owned();
        drop(failed);
        assert!(!path.exists());
        let done = RunDir::create(&parent).unwrap().complete().unwrap();
        assert!(is_run_dir(done.file_name().unwrap().to_str().unwrap()));
        assert!(done.join(COMPLETE).is_file());
    }
}
