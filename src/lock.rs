//! One remediating run per target at a time, across processes: a second
//! `comply run --remediate` on the same host waits for the first (SPEC:
//! remediations never interleave).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::time::Duration;

use rustix::fs::{FlockOperation, flock};

use crate::cancel::Cancel;

/// Holds the lock until dropped (the kernel releases it if comply dies).
#[derive(Debug)]
pub struct TargetLock {
    _file: File,
}

/// `/run/lock` is the FHS place for lock files and is a tmpfs, so a stale
/// file never outlives a reboot; elsewhere fall back to the temp directory.
fn lock_dir() -> PathBuf {
    let run_lock = PathBuf::from("/run/lock");
    if rustix::fs::access(&run_lock, rustix::fs::Access::WRITE_OK).is_ok() {
        run_lock
    } else {
        std::env::temp_dir()
    }
}

fn lock_path(target: &str) -> PathBuf {
    let name: String = target
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    lock_dir().join(format!("comply-remediate-{name}.lock"))
}

impl TargetLock {
    /// Takes the lock for `target`, calling `on_wait` with a description of
    /// the holder once if another run has it. Waiting ends early when the
    /// run is cancelled.
    pub fn acquire(
        target: &str,
        cancel: &Cancel,
        on_wait: impl FnOnce(&str),
    ) -> std::io::Result<TargetLock> {
        let path = lock_path(target);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let mut on_wait = Some(on_wait);
        loop {
            match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => break,
                Err(rustix::io::Errno::WOULDBLOCK) => {
                    if let Some(on_wait) = on_wait.take() {
                        let mut holder = String::new();
                        let _ = file.read_to_string(&mut holder);
                        let holder =
                            format!("pid {} (lock file {})", holder.trim(), path.display());
                        on_wait(&holder);
                    }
                    if cancel.is_cancelled() {
                        return Err(std::io::Error::other(
                            "interrupted while waiting for the lock",
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(error) => return Err(error.into()),
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(TargetLock { _file: file })
    }
}
