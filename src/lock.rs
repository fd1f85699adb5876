//! One remediating run per target at a time, across processes: a second
//! `comply run --remediate` on the same host waits for the first
//! (remediations never interleave; see docs/design.md).
//!
//! comply runs as root, so the lock must not live where another user can
//! reach it: in a world-writable `/run/lock` any user could plant a symlink
//! (root would then overwrite the file it points to) or take the lock first
//! and stall remediation for ever. The lock files live in a directory only
//! the running user can enter — `/run/comply` for root,
//! `$XDG_RUNTIME_DIR/comply` otherwise — which comply creates itself or
//! accepts only when it is a real directory owned by that user with no
//! access for anyone else. Files are opened with `O_NOFOLLOW` relative to
//! that directory and refused unless they are regular files the running
//! user owns.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rustix::fs::{FileType, FlockOperation, Mode, OFlags, flock};

use crate::cancel::Cancel;

/// Holds the lock until dropped (the kernel releases it if comply dies).
#[derive(Debug)]
pub struct TargetLock {
    _file: File,
}

/// Where the running user's lock directory lives: `/run` is a tmpfs, so a
/// stale lock never outlives a reboot.
fn lock_dir() -> std::io::Result<PathBuf> {
    if rustix::process::geteuid().is_root() {
        return Ok(PathBuf::from("/run/comply"));
    }
    match std::env::var_os("XDG_RUNTIME_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => Ok(Path::new(&dir).join("comply")),
        None => Err(std::io::Error::other(
            "XDG_RUNTIME_DIR is not set: a remediating run that is not root keeps its lock in \
             $XDG_RUNTIME_DIR/comply, a directory only its user can reach",
        )),
    }
}

/// Opens (creating it 0700 if missing) a directory that must be the running
/// user's own and closed to everyone else.
fn open_private_dir(path: &Path) -> std::io::Result<OwnedFd> {
    match rustix::fs::mkdir(path, Mode::RWXU) {
        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
        Err(error) => return Err(error.into()),
    }
    let dir = rustix::fs::open(
        path,
        OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|error| {
        std::io::Error::other(format!(
            "cannot open `{}` (it must be a directory, not a link): {error}",
            path.display()
        ))
    })?;
    let stat = rustix::fs::fstat(&dir)?;
    let own = rustix::process::geteuid().as_raw();
    if stat.st_uid != own || stat.st_mode & 0o077 != 0 {
        return Err(std::io::Error::other(format!(
            "`{}` is owned by uid {} with mode {:o}: the lock directory must belong to uid {own} \
             and be closed to others (mode 0700)",
            path.display(),
            stat.st_uid,
            stat.st_mode & 0o7777
        )));
    }
    Ok(dir)
}

/// The lock file's name for a target: only characters that are safe in a
/// file name, so a target name can never reach outside the directory.
fn lock_name(target: &str) -> String {
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
    format!("remediate-{name}.lock")
}

/// Opens the lock file without following a link and checks it is a regular
/// file of the running user.
fn open_lock_file(dir: &OwnedFd, name: &str, shown: &Path) -> std::io::Result<File> {
    let fd = rustix::fs::openat(
        dir,
        name,
        OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::RUSR | Mode::WUSR,
    )
    .map_err(|error| {
        std::io::Error::other(format!("cannot open `{}`: {error}", shown.display()))
    })?;
    let stat = rustix::fs::fstat(&fd)?;
    let own = rustix::process::geteuid().as_raw();
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile || stat.st_uid != own {
        return Err(std::io::Error::other(format!(
            "`{}` is not a regular file owned by uid {own}: refusing to use it as a lock",
            shown.display()
        )));
    }
    Ok(File::from(fd))
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
        Self::acquire_in(&lock_dir()?, target, cancel, on_wait)
    }

    fn acquire_in(
        dir_path: &Path,
        target: &str,
        cancel: &Cancel,
        on_wait: impl FnOnce(&str),
    ) -> std::io::Result<TargetLock> {
        let dir = open_private_dir(dir_path)?;
        let name = lock_name(target);
        let path = dir_path.join(&name);
        let mut file = open_lock_file(&dir, &name, &path)?;
        let mut on_wait = Some(on_wait);
        loop {
            match flock(&file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => break,
                Err(rustix::io::Errno::WOULDBLOCK) => {
                    if let Some(on_wait) = on_wait.take() {
                        let mut holder = String::new();
                        let _ = file.read_to_string(&mut holder);
                        // Only a number is shown: the file is ours, but a
                        // message is no place for whatever else it holds.
                        let holder = match holder.trim().parse::<u32>() {
                            Ok(pid) => format!("pid {pid} (lock file {})", path.display()),
                            Err(_) => format!("lock file {}", path.display()),
                        };
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
        // Ours: created by this user in its own private directory.
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(TargetLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn take(dir: &Path) -> std::io::Result<TargetLock> {
        TargetLock::acquire_in(dir, "local", &Cancel::new(), |_| {})
    }

    /// `ROOT/NAME`, a new directory with `mode`.
    fn directory(root: &Path, name: &str, mode: u32) -> std::path::PathBuf {
        let dir = root.join(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
        dir
    }

    #[test]
    fn creates_a_private_directory_and_a_private_file() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("comply");
        let _lock = take(&dir).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("remediate-local.lock")), 0o600);
        let pid = std::fs::read_to_string(dir.join("remediate-local.lock")).unwrap();
        assert_eq!(pid.trim(), std::process::id().to_string());
    }

    #[test]
    fn refuses_a_directory_others_can_enter() {
        let root = tempfile::tempdir().unwrap();
        let dir = directory(root.path(), "comply", 0o1777);
        let error = take(&dir).unwrap_err().to_string();
        assert!(error.contains("closed to others"), "{error}");
    }

    #[test]
    fn refuses_a_directory_that_is_a_link() {
        let root = tempfile::tempdir().unwrap();
        let elsewhere = directory(root.path(), "elsewhere", 0o700);
        let dir = root.path().join("comply");
        std::os::unix::fs::symlink(&elsewhere, &dir).unwrap();
        let error = take(&dir).unwrap_err().to_string();
        assert!(error.contains("not a link"), "{error}");
    }

    #[test]
    fn never_follows_a_planted_link_to_overwrite_its_target() {
        let root = tempfile::tempdir().unwrap();
        let dir = directory(root.path(), "comply", 0o700);
        let victim = root.path().join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("remediate-local.lock")).unwrap();
        assert!(take(&dir).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    }

    #[test]
    fn refuses_a_lock_file_another_user_created() {
        if !rustix::process::geteuid().is_root() {
            eprintln!("skipped: only root can give a file to another user to set this up");
            return;
        }
        let root = tempfile::tempdir().unwrap();
        let dir = directory(root.path(), "comply", 0o700);
        let planted = dir.join("remediate-local.lock");
        std::fs::write(&planted, "attacker text\n").unwrap();
        std::os::unix::fs::chown(&planted, Some(65534), Some(65534)).unwrap();
        let error = take(&dir).unwrap_err().to_string();
        assert!(
            error.contains("not a regular file owned by uid 0"),
            "{error}"
        );
        assert_eq!(
            std::fs::read_to_string(&planted).unwrap(),
            "attacker text\n"
        );
    }
}
