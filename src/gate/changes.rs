//! What a step changed in a fixture, for `noop-runbook` (a remediation
//! that exited 0 and changed nothing) and `not-idempotent` (a second run
//! that changes something again).
//!
//! A manifest lists every path of the container's writable layer — what
//! differs from the image — with its type, mode, owner and content hash,
//! and on fixtures that boot an init system the state of every unit: a
//! remediation that restarts a failed service changes no file but does
//! change the host. Two manifests differ exactly when content, mode, owner
//! or service state changed; rewriting a file with the same content does
//! not count.
//!
//! The layer is read from the host (overlay2's upper directory: fast, and
//! exact about deletions) when comply can read it; otherwise `docker diff`
//! names the paths and a script inside the container describes them.

use std::collections::BTreeMap;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::fixture::Fixture;
use crate::engine::{Engine, EngineError};
use crate::model::sha256_hex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Dir {
        mode: u32,
        owner: (u32, u32),
    },
    File {
        mode: u32,
        owner: (u32, u32),
        sha256: String,
    },
    Link {
        owner: (u32, u32),
        target: String,
    },
    Deleted,
    Other {
        kind: String,
        mode: u32,
        owner: (u32, u32),
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub files: BTreeMap<String, Entry>,
    /// Unit name → `load/active/sub`.
    pub units: BTreeMap<String, String>,
}

/// Units whose state changes on their own (timers firing maintenance jobs).
const NOISY_UNITS: [&str; 10] = [
    "apt-daily.service",
    "apt-daily-upgrade.service",
    "man-db.service",
    "logrotate.service",
    "dpkg-db-backup.service",
    "e2scrub_all.service",
    "fstrim.service",
    "systemd-tmpfiles-clean.service",
    "dailyaidecheck.service",
    "nixos-upgrade.service",
];

/// The kinds of units whose state is part of the host's configuration.
const UNIT_KINDS: [&str; 4] = [".service", ".socket", ".timer", ".path"];

/// Describes one container's state.
pub struct Tracker<'a> {
    engine: &'a Engine,
    container: String,
    layers: Option<Layers>,
    ignore: GlobSet,
    init: bool,
}

/// The container's overlay layers on the host.
struct Layers {
    upper: PathBuf,
    /// The image's layers, topmost first.
    lower: Vec<PathBuf>,
}

impl<'a> Tracker<'a> {
    pub fn new(engine: &'a Engine, container: &str, fixture: &Fixture) -> Tracker<'a> {
        let mut builder = GlobSetBuilder::new();
        for pattern in &fixture.def.changes.ignore {
            builder.add(Glob::new(pattern).expect("validated when the fixture was loaded"));
        }
        let upper = engine
            .inspect(container, "{{.GraphDriver.Data.UpperDir}}")
            .ok()
            .map(PathBuf::from)
            .filter(|dir| std::fs::read_dir(dir).is_ok());
        let lower = engine
            .inspect(container, "{{.GraphDriver.Data.LowerDir}}")
            .map(|dirs| dirs.split(':').map(PathBuf::from).collect())
            .unwrap_or_default();
        Tracker {
            engine,
            container: container.to_owned(),
            layers: upper.map(|upper| Layers { upper, lower }),
            ignore: builder.build().expect("valid globs"),
            init: fixture.def.init,
        }
    }

    pub fn manifest(&self) -> Result<Manifest, EngineError> {
        let files = match &self.layers {
            Some(layers) => self.read_upper_layer(layers)?,
            None => self.read_through_diff()?,
        };
        let units = if self.init {
            self.units()?
        } else {
            BTreeMap::new()
        };
        Ok(Manifest { files, units })
    }

    fn ignored(&self, path: &str) -> bool {
        self.ignore.is_match(path)
    }

    /// Every path of the writable layer that differs from the image. A path
    /// is copied up whenever it is written, even with the same content (as
    /// `sed -i` does), so entries equal to the image's are left out.
    fn read_upper_layer(&self, layers: &Layers) -> Result<BTreeMap<String, Entry>, EngineError> {
        let mut files = BTreeMap::new();
        let mut stack = vec![layers.upper.clone()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| EngineError(format!("{}: {e}", dir.display())))?;
            for entry in entries {
                let entry = entry.map_err(|e| EngineError(format!("{}: {e}", dir.display())))?;
                let host_path = entry.path();
                let relative = host_path
                    .strip_prefix(&layers.upper)
                    .expect("below the upper directory");
                let path = format!("/{}", relative.display());
                if self.ignored(&path) {
                    continue;
                }
                let described = describe(&host_path)?;
                if matches!(described, Entry::Dir { .. }) {
                    stack.push(host_path.clone());
                }
                let in_image = layers
                    .lower
                    .iter()
                    .map(|lower| lower.join(relative))
                    .find(|candidate| std::fs::symlink_metadata(candidate).is_ok())
                    .map(|candidate| describe(&candidate))
                    .transpose()?;
                if in_image.as_ref() != Some(&described) {
                    files.insert(path, described);
                }
            }
        }
        Ok(files)
    }

    /// Without access to the layer: `docker diff` names the changed paths,
    /// a script in the container describes each.
    fn read_through_diff(&self) -> Result<BTreeMap<String, Entry>, EngineError> {
        let diff = self.engine.output(["diff", &self.container])?;
        let paths: Vec<&str> = diff
            .lines()
            .filter_map(|line| line.get(2..))
            .filter(|path| !self.ignored(path))
            .collect();
        if paths.is_empty() {
            return Ok(BTreeMap::new());
        }
        const DESCRIBE: &str = r#"for p in "$@"; do
  if [ -L "$p" ]; then printf '%s\tlink\t%s\t%s\n' "$p" "$(stat -c '%u %g' "$p")" "$(readlink "$p")"
  elif [ -d "$p" ]; then printf '%s\tdir\t%s\n' "$p" "$(stat -c '%a %u %g' "$p")"
  elif [ -f "$p" ]; then printf '%s\tfile\t%s\t%s\n' "$p" "$(stat -c '%a %u %g' "$p")" "$(sha256sum < "$p" | cut -d' ' -f1)"
  elif [ -e "$p" ]; then printf '%s\tother\t%s\n' "$p" "$(stat -c '%a %u %g %F' "$p")"
  else printf '%s\tdeleted\n' "$p"; fi
done"#;
        let mut args = vec!["exec", self.container.as_str(), "sh", "-c", DESCRIBE, "sh"];
        args.extend(paths);
        let described = self.engine.output(&args)?;
        let number = |s: Option<&str>, radix| {
            s.and_then(|s| u32::from_str_radix(s, radix).ok())
                .unwrap_or(0)
        };
        Ok(described
            .lines()
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let path = fields.next()?.to_owned();
                let kind = fields.next()?;
                let stat: Vec<&str> = fields.next().unwrap_or_default().split(' ').collect();
                let entry = match kind {
                    "deleted" => Entry::Deleted,
                    "link" => Entry::Link {
                        owner: (
                            number(stat.first().copied(), 10),
                            number(stat.get(1).copied(), 10),
                        ),
                        target: fields.next().unwrap_or_default().to_owned(),
                    },
                    _ => {
                        let mode = number(stat.first().copied(), 8);
                        let owner = (
                            number(stat.get(1).copied(), 10),
                            number(stat.get(2).copied(), 10),
                        );
                        match kind {
                            "dir" => Entry::Dir { mode, owner },
                            "file" => Entry::File {
                                mode,
                                owner,
                                sha256: fields.next().unwrap_or_default().to_owned(),
                            },
                            _ => Entry::Other {
                                kind: stat.get(3..).map(|k| k.join(" ")).unwrap_or_default(),
                                mode,
                                owner,
                            },
                        }
                    }
                };
                Some((path, entry))
            })
            .collect())
    }

    fn units(&self) -> Result<BTreeMap<String, String>, EngineError> {
        let listing = self.engine.output([
            "exec",
            &self.container,
            "systemctl",
            "list-units",
            "--all",
            "--no-legend",
            "--plain",
            "--full",
            "--no-pager",
        ])?;
        Ok(listing
            .lines()
            .filter_map(|line| {
                let mut words = line.split_whitespace();
                let unit = words.next()?;
                let state = format!("{}/{}/{}", words.next()?, words.next()?, words.next()?);
                let kept = UNIT_KINDS.iter().any(|kind| unit.ends_with(kind))
                    && !NOISY_UNITS.contains(&unit);
                kept.then(|| (unit.to_owned(), state))
            })
            .collect())
    }
}

/// A path of a layer as an entry; an overlayfs whiteout is a deletion.
fn describe(host_path: &Path) -> Result<Entry, EngineError> {
    let failed = |e: std::io::Error| EngineError(format!("{}: {e}", host_path.display()));
    let meta = std::fs::symlink_metadata(host_path).map_err(failed)?;
    let owner = (meta.uid(), meta.gid());
    let mode = meta.mode() & 0o7777;
    let kind = meta.file_type();
    Ok(if kind.is_dir() {
        Entry::Dir { mode, owner }
    } else if kind.is_symlink() {
        Entry::Link {
            owner,
            target: std::fs::read_link(host_path)
                .map_err(failed)?
                .display()
                .to_string(),
        }
    } else if kind.is_file() {
        Entry::File {
            mode,
            owner,
            sha256: sha256_hex(&std::fs::read(host_path).map_err(failed)?),
        }
    } else if kind.is_char_device() && meta.rdev() == 0 {
        Entry::Deleted
    } else {
        Entry::Other {
            kind: format!("{kind:?}"),
            mode,
            owner,
        }
    })
}

/// What differs between two manifests, one line per change.
pub fn changes(before: &Manifest, after: &Manifest) -> Vec<String> {
    let mut out = Vec::new();
    for (path, entry) in &after.files {
        match before.files.get(path) {
            None => out.push(format!("added or changed {path}")),
            Some(previous) if previous != entry => out.push(format!(
                "changed {path} ({})",
                what_changed(previous, entry)
            )),
            Some(_) => {}
        }
    }
    for path in before
        .files
        .keys()
        .filter(|path| !after.files.contains_key(*path))
    {
        out.push(format!("reverted {path} to the image's version"));
    }
    for (unit, state) in &after.units {
        match before.units.get(unit) {
            Some(previous) if previous != state => {
                out.push(format!("unit {unit}: {previous} -> {state}"))
            }
            None => out.push(format!("unit {unit} appeared: {state}")),
            Some(_) => {}
        }
    }
    for unit in before
        .units
        .keys()
        .filter(|unit| !after.units.contains_key(*unit))
    {
        out.push(format!("unit {unit} went away"));
    }
    out
}

fn what_changed(before: &Entry, after: &Entry) -> &'static str {
    match (before, after) {
        (Entry::File { sha256: a, .. }, Entry::File { sha256: b, .. }) if a != b => "content",
        (Entry::File { mode: a, .. }, Entry::File { mode: b, .. })
        | (Entry::Dir { mode: a, .. }, Entry::Dir { mode: b, .. })
            if a != b =>
        {
            "mode"
        }
        (Entry::Link { target: a, .. }, Entry::Link { target: b, .. }) if a != b => "link target",
        (Entry::File { .. }, Entry::File { .. })
        | (Entry::Dir { .. }, Entry::Dir { .. })
        | (Entry::Link { .. }, Entry::Link { .. }) => "owner",
        _ => "type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sha: &str, mode: u32) -> Entry {
        Entry::File {
            mode,
            owner: (0, 0),
            sha256: sha.to_owned(),
        }
    }

    #[test]
    fn same_content_is_no_change_and_each_difference_is_named() {
        let mut before = Manifest::default();
        before.files.insert("/etc/a".into(), file("1", 0o644));
        before.files.insert("/etc/gone".into(), file("1", 0o644));
        before
            .units
            .insert("ssh.service".into(), "loaded/inactive/dead".into());
        assert!(changes(&before, &before.clone()).is_empty());

        let mut after = before.clone();
        after.files.insert("/etc/a".into(), file("2", 0o644));
        after.files.remove("/etc/gone");
        after.files.insert("/etc/new".into(), file("3", 0o600));
        after
            .units
            .insert("ssh.service".into(), "loaded/active/running".into());
        assert_eq!(
            changes(&before, &after),
            [
                "changed /etc/a (content)",
                "added or changed /etc/new",
                "reverted /etc/gone to the image's version",
                "unit ssh.service: loaded/inactive/dead -> loaded/active/running",
            ]
        );
        let mut chmod = before.clone();
        chmod.files.insert("/etc/a".into(), file("1", 0o600));
        assert_eq!(changes(&before, &chmod), ["changed /etc/a (mode)"]);
    }
}
