//! The suite, runbooks and fixtures compiled into the binary, so `comply run`
//! and `comply gate` work from any directory (README: File formats).
//!
//! Paths are relative to the repository root: `suites/hipaa-linux.toml`,
//! `runbooks/LIN-LOG-001/probe.sh`, `fixtures/nixos-like/Dockerfile`.

use std::path::{Component, Path, PathBuf};

use include_dir::{Dir, include_dir};

static SUITES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/suites");
static RUNBOOKS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/runbooks");
static FIXTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/fixtures");

const ROOTS: [(&str, &Dir<'static>); 3] = [
    ("fixtures", &FIXTURES),
    ("runbooks", &RUNBOOKS),
    ("suites", &SUITES),
];

/// The suite `run`, `lint` and `list` use when given no `--suite`.
pub const DEFAULT_SUITE: &str = "suites/hipaa-linux.toml";

/// An embedded file or directory.
pub enum Entry {
    File(&'static [u8]),
    /// Child names with whether each is a directory, sorted by name.
    Dir(Vec<(String, bool)>),
}

/// Resolves `..` and `.` lexically: the embedded tree has no links.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    out
}

pub fn lookup(path: &Path) -> Option<Entry> {
    let path = normalize(path);
    let mut components = path.components();
    let Some(first) = components.next() else {
        return Some(Entry::Dir(
            ROOTS
                .iter()
                .map(|(name, _)| (name.to_string(), true))
                .collect(),
        ));
    };
    let (_, root) = ROOTS
        .iter()
        .find(|(name, _)| Path::new(name) == Path::new(first.as_os_str()))?;
    let rest = components.as_path();
    if rest.as_os_str().is_empty() {
        return Some(dir_entry(root));
    }
    if let Some(file) = root.get_file(rest) {
        return Some(Entry::File(file.contents()));
    }
    root.get_dir(rest).map(dir_entry)
}

fn dir_entry(dir: &Dir<'static>) -> Entry {
    let mut children: Vec<(String, bool)> = dir
        .entries()
        .iter()
        .filter_map(|entry| {
            let name = entry.path().file_name()?.to_str()?.to_owned();
            Some((name, entry.as_dir().is_some()))
        })
        .collect();
    children.sort();
    Entry::Dir(children)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_suite_is_embedded() {
        assert!(matches!(
            lookup(Path::new(DEFAULT_SUITE)),
            Some(Entry::File(_))
        ));
        assert!(matches!(
            lookup(Path::new("suites/../runbooks")),
            Some(Entry::Dir(children)) if !children.is_empty()
        ));
        assert!(lookup(Path::new("nowhere/x")).is_none());
    }
}
