//! What a step changed in a fixture, for `noop-runbook` (a remediation
//! that exited 0 and changed nothing) and `not-idempotent` (a second run
//! that changes something again).
//!
//! A manifest lists every path of the container's writable layer — what
//! differs from the image — with its type, mode, owner and content hash,
//! and on fixtures that boot an init system the state of every unit
//! (`units.rs`): a remediation that restarts a failed service changes no
//! file but does change the host. Two manifests differ when content, mode,
//! owner or a unit's state changed; rewriting a file with the same content
//! does not count, nor does a service cycling in its own restart loop.
//!
//! The layer is read from the host (overlay2's upper directory: fast, and
//! exact about deletions) when comply can read it; otherwise `docker diff`
//! names the paths and a script inside the container describes them.
//!
//! One file on purpose: both ways of reading a layer must produce the same
//! manifest, and they are compared here.

use std::collections::BTreeMap;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::error::GateError;
use super::fixture::Fixture;
use super::shell::Shell;
use super::units::{self, Units};
use crate::engine::Engine;
use crate::model::sha256_hex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestEntry {
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

/// A fixture's state. Compare two with [`changes`], not `==`: a unit's
/// start can differ while its state does not.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    pub files: BTreeMap<String, ManifestEntry>,
    /// On fixtures that boot systemd: its units.
    pub units: Units,
}

/// Where the files of a manifest come from.
pub enum Files {
    /// A container's overlay layers, read on the host.
    Layers { upper: PathBuf, lower: Vec<PathBuf> },
    /// A container whose layers comply cannot read: `docker diff`.
    Diff { engine: Engine, container: String },
    /// A machine's directories, listed and hashed on the machine.
    Roots(Vec<String>),
}

impl Files {
    /// The best source for a container: its layers when readable.
    pub fn for_container(engine: &Engine, container: &str) -> Files {
        let upper = engine
            .inspect(container, "{{.GraphDriver.Data.UpperDir}}")
            .ok()
            .map(PathBuf::from)
            .filter(|dir| std::fs::read_dir(dir).is_ok());
        match upper {
            Some(upper) => Files::Layers {
                upper,
                lower: engine
                    .inspect(container, "{{.GraphDriver.Data.LowerDir}}")
                    .map(|dirs| dirs.split(':').map(PathBuf::from).collect())
                    .unwrap_or_default(),
            },
            None => Files::Diff {
                engine: engine.clone(),
                container: container.to_owned(),
            },
        }
    }
}

/// Describes one fixture instance's state.
pub struct Tracker<S: Shell> {
    shell: S,
    files: Files,
    ignore: GlobSet,
    init: bool,
}

impl<S: Shell> Tracker<S> {
    pub fn new(shell: S, files: Files, fixture: &Fixture) -> Tracker<S> {
        let mut builder = GlobSetBuilder::new();
        // Where the gate binds the agent: the engine makes the mount point.
        builder.add(Glob::new(crate::target::agent::FIXTURE_PATH).expect("a plain path"));
        for pattern in &fixture.def.changes.ignore {
            builder.add(Glob::new(pattern).expect("validated when the fixture was loaded"));
        }
        Tracker {
            shell,
            files,
            ignore: builder.build().expect("valid globs"),
            init: fixture.def.init,
        }
    }

    pub fn shell(&self) -> &S {
        &self.shell
    }

    /// The fixture's state. Units are read first, once none is starting
    /// or stopping, so that what they write on the way (a stop saving its
    /// state file) is not in the files either.
    pub fn manifest(&self) -> Result<Manifest, GateError> {
        let units = if self.init {
            units::read(&self.shell)?
        } else {
            Units::default()
        };
        let files = match &self.files {
            Files::Layers { upper, lower } => self.read_layers(upper, lower)?,
            Files::Diff { engine, container } => self.read_through_diff(engine, container)?,
            Files::Roots(roots) => self.read_roots(roots)?,
        };
        Ok(Manifest { files, units })
    }

    fn ignored(&self, path: &str) -> bool {
        self.ignore.is_match(path)
    }

    /// Every path of the writable layer that differs from the image. A path
    /// is copied up whenever it is written, even with the same content (as
    /// `sed -i` does), so entries equal to the image's are left out.
    fn read_layers(
        &self,
        upper: &Path,
        lower: &[PathBuf],
    ) -> Result<BTreeMap<String, ManifestEntry>, GateError> {
        let mut files = BTreeMap::new();
        let mut stack = vec![upper.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir).map_err(|e| GateError::file(&dir, e))?;
            for entry in entries {
                let entry = entry.map_err(|e| GateError::file(&dir, e))?;
                let host_path = entry.path();
                let relative = host_path
                    .strip_prefix(upper)
                    .expect("below the upper directory");
                let path = format!("/{}", relative.display());
                if self.ignored(&path) {
                    continue;
                }
                let described = describe(&host_path)?;
                if matches!(described, ManifestEntry::Dir { .. }) {
                    stack.push(host_path.clone());
                }
                let in_image = lower
                    .iter()
                    .map(|layer| layer.join(relative))
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

    /// Without access to the layers: `docker diff` names the changed paths
    /// and the container describes them.
    fn read_through_diff(
        &self,
        engine: &Engine,
        container: &str,
    ) -> Result<BTreeMap<String, ManifestEntry>, GateError> {
        let diff = engine.output(["diff", "--", container])?;
        let paths: Vec<String> = diff
            .lines()
            .filter_map(|line| line.get(2..))
            .filter(|path| !self.ignored(path))
            .map(crate::target::remote::shell_quote)
            .collect();
        if paths.is_empty() {
            return Ok(BTreeMap::new());
        }
        let listing = self
            .shell
            .output(&format!("{DESCRIBE} {}", paths.join(" ")))?;
        Ok(parse_listing(&listing, |path| self.ignored(path)))
    }

    /// Every file under the roots, described and hashed on the machine.
    fn read_roots(&self, roots: &[String]) -> Result<BTreeMap<String, ManifestEntry>, GateError> {
        let roots: Vec<String> = roots
            .iter()
            .map(|r| crate::target::remote::shell_quote(r))
            .collect();
        let listing = self
            .shell
            .output(&format!("{LIST_TREES} {}", roots.join(" ")))?;
        Ok(parse_listing(&listing, |path| self.ignored(path)))
    }
}

/// `sh -c 'DESCRIBE PATH…'`: one line per path, in the format
/// [`parse_listing`] reads.
const DESCRIBE: &str = r#"describe() { for p in "$@"; do
  if [ -L "$p" ]; then printf 'l\t%s\t%s\t%s
' "$(stat -c '0 %u %g' "$p")" "$p" "$(readlink "$p")"
  elif [ -d "$p" ]; then printf 'd\t%s\t%s
' "$(stat -c '%a %u %g' "$p")" "$p"
  elif [ -f "$p" ]; then printf 'f\t%s\t%s\t%s
' "$(stat -c '%a %u %g' "$p")" "$p" "$(sha256sum < "$p" | cut -d' ' -f1)"
  elif [ -e "$p" ]; then printf 'o\t%s\t%s
' "$(stat -c '%a %u %g' "$p")" "$p"
  else printf 'x\t0 0 0\t%s
' "$p"; fi
done; }; describe"#;

/// Lists trees with `find` (type, mode, owner, path, link target) and
/// hashes their regular files in one pass of `sha256sum`.
const LIST_TREES: &str = r#"list() {
  find "$@" -xdev \( -type f -o -type d -o -type l \) -printf '%y\t%m %U %G\t%p\t%l
' 2>/dev/null
  find "$@" -xdev -type f -print0 2>/dev/null | xargs -0 -r sha256sum | sed 's/^/h\t/'
}; list"#;

/// Reads `TYPE\tMODE UID GID\tPATH[\tEXTRA]` lines (EXTRA: a link's target
/// or a file's hash) and `h\tHASH  PATH` hash lines.
fn parse_listing(listing: &str, ignored: impl Fn(&str) -> bool) -> BTreeMap<String, ManifestEntry> {
    let mut hashes: BTreeMap<&str, &str> = BTreeMap::new();
    for line in listing.lines() {
        if let Some(rest) = line.strip_prefix("h\t")
            && let Some((hash, path)) = rest.split_once("  ")
        {
            hashes.insert(path, hash);
        }
    }
    let mut files = BTreeMap::new();
    for line in listing.lines().filter(|line| !line.starts_with("h\t")) {
        let mut fields = line.splitn(4, '\t');
        let (Some(kind), Some(stat), Some(path)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if ignored(path) {
            continue;
        }
        let extra = fields.next().unwrap_or_default();
        let numbers: Vec<u32> = stat
            .split(' ')
            .map(|n| u32::from_str_radix(n, 8).unwrap_or(0))
            .collect();
        let decimal: Vec<u32> = stat.split(' ').map(|n| n.parse().unwrap_or(0)).collect();
        let mode = numbers.first().copied().unwrap_or(0);
        let owner = (
            decimal.get(1).copied().unwrap_or(0),
            decimal.get(2).copied().unwrap_or(0),
        );
        let entry = match kind {
            "d" => ManifestEntry::Dir { mode, owner },
            "f" => ManifestEntry::File {
                mode,
                owner,
                sha256: if extra.is_empty() {
                    hashes.get(path).copied().unwrap_or_default().to_owned()
                } else {
                    extra.to_owned()
                },
            },
            "l" => ManifestEntry::Link {
                owner,
                target: extra.to_owned(),
            },
            "x" => ManifestEntry::Deleted,
            other => ManifestEntry::Other {
                kind: other.to_owned(),
                mode,
                owner,
            },
        };
        files.insert(path.to_owned(), entry);
    }
    files
}

/// A path of a layer as an entry; an overlayfs whiteout is a deletion.
fn describe(host_path: &Path) -> Result<ManifestEntry, GateError> {
    let failed = |e: std::io::Error| GateError::file(host_path, e);
    let meta = std::fs::symlink_metadata(host_path).map_err(failed)?;
    let owner = (meta.uid(), meta.gid());
    let mode = meta.mode() & 0o7777;
    let kind = meta.file_type();
    Ok(if kind.is_dir() {
        ManifestEntry::Dir { mode, owner }
    } else if kind.is_symlink() {
        ManifestEntry::Link {
            owner,
            target: std::fs::read_link(host_path)
                .map_err(failed)?
                .display()
                .to_string(),
        }
    } else if kind.is_file() {
        ManifestEntry::File {
            mode,
            owner,
            sha256: sha256_hex(&std::fs::read(host_path).map_err(failed)?),
        }
    } else if kind.is_char_device() && meta.rdev() == 0 {
        ManifestEntry::Deleted
    } else {
        ManifestEntry::Other {
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
        out.push(format!("removed {path} (or restored the image's version)"));
    }
    out.extend(units::changes(&before.units, &after.units));
    out
}

fn what_changed(before: &ManifestEntry, after: &ManifestEntry) -> &'static str {
    match (before, after) {
        (ManifestEntry::File { sha256: a, .. }, ManifestEntry::File { sha256: b, .. })
            if a != b =>
        {
            "content"
        }
        (ManifestEntry::File { mode: a, .. }, ManifestEntry::File { mode: b, .. })
        | (ManifestEntry::Dir { mode: a, .. }, ManifestEntry::Dir { mode: b, .. })
            if a != b =>
        {
            "mode"
        }
        (ManifestEntry::Link { target: a, .. }, ManifestEntry::Link { target: b, .. })
            if a != b =>
        {
            "link target"
        }
        (ManifestEntry::File { .. }, ManifestEntry::File { .. })
        | (ManifestEntry::Dir { .. }, ManifestEntry::Dir { .. })
        | (ManifestEntry::Link { .. }, ManifestEntry::Link { .. }) => "owner",
        _ => "type",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(sha: &str, mode: u32) -> ManifestEntry {
        ManifestEntry::File {
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
            .states
            .insert("ssh.service".into(), "loaded/inactive/dead".into());
        assert!(changes(&before, &before.clone()).is_empty());

        let mut after = before.clone();
        after.files.insert("/etc/a".into(), file("2", 0o644));
        after.files.remove("/etc/gone");
        after.files.insert("/etc/new".into(), file("3", 0o600));
        after
            .units
            .states
            .insert("ssh.service".into(), "loaded/active/running".into());
        assert_eq!(
            changes(&before, &after),
            [
                "changed /etc/a (content)",
                "added or changed /etc/new",
                "removed /etc/gone (or restored the image's version)",
                "unit ssh.service: loaded/inactive/dead -> loaded/active/running",
            ]
        );
        let mut chmod = before.clone();
        chmod.files.insert("/etc/a".into(), file("1", 0o600));
        assert_eq!(changes(&before, &chmod), ["changed /etc/a (mode)"]);
    }
}
