//! `--report-dir DIR --keep-runs N`: every run's reports in a directory of
//! its own, `DIR/<UTC time>-<pid>/` (`junit.xml`, `report.json`,
//! `evidence/`), and only the newest N such directories kept — what a
//! periodic run on an appliance needs so that its disk does not fill up.
//! Only directories named like comply's own are ever removed.

use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

/// Creates a fresh run directory (0700) under `parent` (created 0755 if
/// missing).
pub fn create(parent: &Path) -> io::Result<PathBuf> {
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
    Ok(path)
}

/// Whether `name` is one [`create`] makes: `YYYYMMDDTHHMMSSZ-PID`.
fn is_run_dir(name: &str) -> bool {
    let Some((stamp, pid)) = name.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    stamp.len() == 16
        && digits(&stamp[..8])
        && &stamp[8..9] == "T"
        && digits(&stamp[9..15])
        && &stamp[15..] == "Z"
        && digits(pid)
}

/// Removes all but the newest `keep` run directories under `parent`;
/// returns those removed.
pub fn prune(parent: &Path, keep: usize) -> io::Result<Vec<PathBuf>> {
    let mut runs: Vec<(String, PathBuf)> = std::fs::read_dir(parent)?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            is_run_dir(&name).then(|| (name, entry.path()))
        })
        .collect();
    // The names sort by time (then pid): the oldest first.
    runs.sort();
    let excess = runs.len().saturating_sub(keep);
    let mut removed = Vec::new();
    for (_, path) in runs.into_iter().take(excess) {
        std::fs::remove_dir_all(&path)?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_runs_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "20261101T000000Z-1",
            "20261102T000000Z-1",
            "20261103T000000Z-7",
            "notes",
            "2026-11-01",
        ] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
        }
        std::fs::write(dir.path().join("20261100T000000Z-1"), "a file").unwrap();
        let removed = prune(dir.path(), 2).unwrap();
        assert_eq!(removed, [dir.path().join("20261101T000000Z-1")]);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "2026-11-01",
                "20261100T000000Z-1",
                "20261102T000000Z-1",
                "20261103T000000Z-7",
                "notes"
            ]
        );
    }

    #[test]
    fn a_new_run_directory_is_named_so_prune_knows_it() {
        let dir = tempfile::tempdir().unwrap();
        let run = create(&dir.path().join("runs")).unwrap();
        assert!(is_run_dir(run.file_name().unwrap().to_str().unwrap()));
        assert_eq!(prune(&dir.path().join("runs"), 0).unwrap(), [run]);
    }
}
