//! A path on disk or in the embedded tree, so one loader reads both.

use std::fmt;
use std::path::{Path, PathBuf};

use super::InputError;
use crate::embedded::{self, Entry};

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

    pub fn read(&self) -> Result<Vec<u8>, InputError> {
        match self {
            Place::Disk(path) => std::fs::read(path).map_err(|error| {
                InputError::new(self.to_string(), format!("cannot read: {error}"))
            }),
            Place::Embedded(path) => match embedded::lookup(path) {
                Some(Entry::File(bytes)) => Ok(bytes.to_vec()),
                _ => Err(InputError::new(self.to_string(), "no such embedded file")),
            },
        }
    }

    pub fn read_to_string(&self) -> Result<String, InputError> {
        String::from_utf8(self.read()?).map_err(|error| {
            InputError::new(
                self.to_string(),
                format!(
                    "not valid UTF-8 (byte {})",
                    error.utf8_error().valid_up_to()
                ),
            )
        })
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
