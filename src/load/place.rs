//! A path on disk or in the embedded tree, so one loader reads both.

use std::fmt;
use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::InputError;
use crate::embedded::{self, Entry};

/// The largest runbook script, `runbook.toml`, suite or inventory read.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// The largest runbook bundle read.
pub const MAX_BUNDLE_BYTES: u64 = 64 * 1024 * 1024;

/// `O_NONBLOCK`, so opening a FIFO returns at once instead of waiting for
/// a writer.
fn nonblocking_open() -> i32 {
    rustix::fs::OFlags::NONBLOCK.bits() as i32
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Disk(PathBuf),
    Embedded(PathBuf),
}

impl Place {
    pub fn join(&self, relative: impl AsRef<Path>) -> Place {
        match self {
            Place::Disk(path) => Place::Disk(path.join(relative)),
            Place::Embedded(path) => Place::Embedded(embedded::normalize(&path.join(relative))),
        }
    }

    pub fn parent(&self) -> Place {
        let parent = |path: &Path| path.parent().map(Path::to_path_buf).unwrap_or_default();
        match self {
            Place::Disk(path) => Place::Disk(parent(path)),
            Place::Embedded(path) => Place::Embedded(parent(path)),
        }
    }

    pub fn file_name(&self) -> String {
        let path = match self {
            Place::Disk(path) | Place::Embedded(path) => path,
        };
        path.file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn is_dir(&self) -> bool {
        match self {
            Place::Disk(path) => path.is_dir(),
            Place::Embedded(path) => matches!(embedded::lookup(path), Some(Entry::Dir(_))),
        }
    }

    pub fn exists(&self) -> bool {
        match self {
            Place::Disk(path) => path.exists(),
            Place::Embedded(path) => embedded::lookup(path).is_some(),
        }
    }

    /// The bytes of a file of at most [`MAX_FILE_BYTES`].
    pub fn read(&self) -> Result<Vec<u8>, InputError> {
        self.read_up_to(MAX_FILE_BYTES)
    }

    /// The bytes of a regular file of at most `limit` bytes. A FIFO, a
    /// device (`--runbooks /dev/zero`) or a larger file is refused before
    /// any of it is read: the file is opened without blocking and judged by
    /// what the open descriptor is, so nothing swapped in after a check can
    /// hang or flood the loader.
    pub fn read_up_to(&self, limit: u64) -> Result<Vec<u8>, InputError> {
        match self {
            Place::Disk(path) => {
                let error = |message: String| InputError::new(self.to_string(), message);
                let file = std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(nonblocking_open())
                    .open(path)
                    .map_err(|e| error(format!("cannot read: {e}")))?;
                let metadata = file
                    .metadata()
                    .map_err(|e| error(format!("cannot read: {e}")))?;
                if !metadata.is_file() {
                    return Err(error(
                        "not a regular file: runbooks, suites and inventories are read from files"
                            .to_owned(),
                    ));
                }
                if metadata.len() > limit {
                    return Err(error(format!(
                        "is {} bytes: files of this kind are at most {limit} bytes",
                        metadata.len()
                    )));
                }
                let mut bytes = Vec::with_capacity(metadata.len() as usize);
                file.take(limit + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| error(format!("cannot read: {e}")))?;
                if bytes.len() as u64 > limit {
                    return Err(error(format!("grew past {limit} bytes while being read")));
                }
                Ok(bytes)
            }
            Place::Embedded(path) => match embedded::lookup(path) {
                Some(Entry::File(bytes)) => Ok(bytes.to_vec()),
                _ => Err(InputError::new(self.to_string(), "no such embedded file")),
            },
        }
    }

    pub fn read_to_string(&self) -> Result<String, InputError> {
        Self::utf8(self, self.read()?)
    }

    /// Text of a file of at most `limit` bytes.
    pub fn read_to_string_up_to(&self, limit: u64) -> Result<String, InputError> {
        Self::utf8(self, self.read_up_to(limit)?)
    }

    fn utf8(&self, bytes: Vec<u8>) -> Result<String, InputError> {
        String::from_utf8(bytes).map_err(|error| {
            InputError::new(
                self.to_string(),
                format!(
                    "not valid UTF-8 (byte {})",
                    error.utf8_error().valid_up_to()
                ),
            )
        })
    }

    /// Refuses a link that leads out of `dir`: a runbook is what its own
    /// directory holds, so a `probe.sh -> /etc/shadow` cannot make comply
    /// read (and report) a file the runbook's author never wrote.
    pub fn check_inside(&self, dir: &Place) -> Result<(), InputError> {
        let (Place::Disk(path), Place::Disk(dir)) = (self, dir) else {
            return Ok(());
        };
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if !is_link {
            return Ok(());
        }
        let resolved = path.canonicalize();
        let root = dir.canonicalize();
        match (resolved, root) {
            (Ok(resolved), Ok(root)) if resolved.starts_with(&root) => Ok(()),
            _ => Err(InputError::new(
                self.to_string(),
                format!(
                    "is a link leading out of `{}`: a runbook's files must be inside its directory",
                    dir.display()
                ),
            )),
        }
    }

    /// Children with whether each is a directory, sorted by name so loading
    /// order (and so bundles and reports) never depends on the filesystem.
    pub fn children(&self) -> Result<Vec<(Place, bool)>, InputError> {
        let mut children = match self {
            Place::Disk(path) => {
                let entries = std::fs::read_dir(path).map_err(|error| {
                    InputError::new(self.to_string(), format!("cannot list: {error}"))
                })?;
                let mut children = Vec::new();
                for entry in entries {
                    let entry = entry.map_err(|error| {
                        InputError::new(self.to_string(), format!("cannot list: {error}"))
                    })?;
                    let place = Place::Disk(entry.path());
                    // The entry's type costs no system call; only a link
                    // needs a stat to learn what it points to.
                    let is_dir = match entry.file_type() {
                        Ok(kind) if kind.is_symlink() => place.is_dir(),
                        Ok(kind) => kind.is_dir(),
                        Err(_) => place.is_dir(),
                    };
                    children.push((place, is_dir));
                }
                children
            }
            Place::Embedded(path) => match embedded::lookup(path) {
                Some(Entry::Dir(names)) => names
                    .into_iter()
                    .map(|(name, is_dir)| (self.join(name), is_dir))
                    .collect(),
                _ => {
                    return Err(InputError::new(
                        self.to_string(),
                        "no such embedded directory",
                    ));
                }
            },
        };
        children.sort_by_key(|(place, _)| place.file_name());
        Ok(children)
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Disk(path) => write!(f, "{}", path.display()),
            Place::Embedded(path) => write!(f, "embedded:{}", path.display()),
        }
    }
}
