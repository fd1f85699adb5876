//! `comply verify DIR --key PUB`: is an evidence directory exactly what
//! the signed run wrote? The signature must be over the manifest, every
//! file the manifest lists must be there with its hash, and no other file
//! may be. A directory that cannot be read completely is never verified.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use minisign::PublicKey;

use super::evidence::MANIFEST_FILE;
use super::signing::{self, SIGNATURE_FILE, SignatureProblem};
use crate::model::sha256_hex;

/// A verified directory.
#[derive(Debug)]
pub struct Verified {
    pub files: usize,
    pub key_id: String,
    /// The signed trusted comment: version, suite, hosts, times.
    pub trusted_comment: String,
}

/// How one file differs from the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    Changed(String),
    Added(String),
    Removed(String),
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Changed(path) => {
                write!(f, "changed: {path} (its SHA-256 is not the manifest's)")
            }
            Difference::Added(path) => write!(f, "added: {path} (not in the manifest)"),
            Difference::Removed(path) => {
                write!(f, "removed: {path} (in the manifest, not in the directory)")
            }
        }
    }
}

/// Why a directory is not verified.
#[derive(Debug)]
pub enum VerifyError {
    /// Bad input or an unreadable directory (exit 2).
    Unusable(String),
    /// The signature does not cover the manifest (exit 1).
    Signature(String),
    /// Files differ from the signed manifest (exit 1), sorted by path.
    Differences(Vec<Difference>),
}

pub fn verify(dir: &Path, key: &PublicKey) -> Result<Verified, VerifyError> {
    let read = |name: &str| {
        std::fs::read(dir.join(name)).map_err(|error| {
            VerifyError::Unusable(format!(
                "cannot read `{}`: {error} (expected an evidence directory written with --sign)",
                dir.join(name).display()
            ))
        })
    };
    let manifest = read(MANIFEST_FILE)?;
    let signature = String::from_utf8(read(SIGNATURE_FILE)?).map_err(|_| {
        VerifyError::Unusable(format!(
            "{SIGNATURE_FILE} is not text: not a minisign signature"
        ))
    })?;
    let trusted_comment =
        signing::check(key, &signature, &manifest).map_err(|problem| match problem {
            SignatureProblem::Unusable(why) => VerifyError::Unusable(why),
            SignatureProblem::Mismatch(why) => match another_run(dir, &signature) {
                Some(unusable) => unusable,
                None => VerifyError::Signature(why),
            },
        })?;
    let listed = parse_manifest(&manifest)?;
    let mut present = BTreeMap::new();
    walk(dir, Path::new(""), &mut present)?;
    let mut differences = Vec::new();
    for (path, hash) in &listed {
        match present.get(path) {
            None => differences.push(Difference::Removed(path.clone())),
            Some(Entry::File(actual)) if actual == hash => {}
            Some(_) => differences.push(Difference::Changed(path.clone())),
        }
    }
    for path in present.keys().filter(|path| !listed.contains_key(*path)) {
        differences.push(Difference::Added(path.clone()));
    }
    if !differences.is_empty() {
        differences.sort_by(|a, b| path_of(a).cmp(path_of(b)));
        return Err(VerifyError::Differences(differences));
    }
    Ok(Verified {
        files: listed.len(),
        key_id: signing::key_id(key.keynum()),
        trusted_comment,
    })
}

/// A signature that does not match its manifest was either made for these
/// bytes before they changed (a verdict: 1) or copied from another run's
/// evidence (bad input: 2). The run it claims — the start time in its
/// trusted comment — tells them apart when it differs from this
/// directory's report. Either way nothing is verified.
fn another_run(dir: &Path, signature: &str) -> Option<VerifyError> {
    let signed = signing::signed_start(signature)?;
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(super::evidence::REPORT_FILE)).ok()?)
            .ok()?;
    let own = report.get("started_at")?.as_str()?;
    (signed != own).then(|| {
        VerifyError::Unusable(format!(
            "{SIGNATURE_FILE} is the signature of another run's manifest (a run started {signed}; \
             this directory's report.json says {own}): expected the signature written with this evidence"
        ))
    })
}

fn path_of(difference: &Difference) -> &str {
    match difference {
        Difference::Changed(path) | Difference::Added(path) | Difference::Removed(path) => path,
    }
}

/// `HASH  PATH` lines, as `sha256sum` writes them. The manifest is signed,
/// so a line that does not parse was not written by comply.
fn parse_manifest(manifest: &[u8]) -> Result<BTreeMap<String, String>, VerifyError> {
    let text = std::str::from_utf8(manifest)
        .map_err(|_| VerifyError::Unusable(format!("{MANIFEST_FILE} is not UTF-8 text")))?;
    let mut listed = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let parsed = line.split_once("  ").filter(|(hash, path)| {
            hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !path.is_empty()
        });
        let Some((hash, path)) = parsed else {
            return Err(VerifyError::Unusable(format!(
                "{MANIFEST_FILE}:{}: expected `SHA256  PATH`, found `{line}`",
                index + 1
            )));
        };
        if listed
            .insert(path.to_owned(), hash.to_ascii_lowercase())
            .is_some()
        {
            return Err(VerifyError::Unusable(format!(
                "{MANIFEST_FILE}:{}: `{path}` is listed twice",
                index + 1
            )));
        }
    }
    Ok(listed)
}

/// What a path in the directory is.
#[derive(Debug)]
enum Entry {
    File(String),
    /// A link, socket, device …: never evidence comply wrote.
    Other,
}

/// Every entry below `dir`, by path relative to the evidence root, but the
/// manifest and its signature. Links are not followed.
fn walk(
    root: &Path,
    relative: &Path,
    found: &mut BTreeMap<String, Entry>,
) -> Result<(), VerifyError> {
    let unreadable = |path: &PathBuf, error: std::io::Error| {
        VerifyError::Unusable(format!(
            "cannot read `{}`: {error}; nothing is verified",
            path.display()
        ))
    };
    let dir = root.join(relative);
    let entries = std::fs::read_dir(&dir).map_err(|error| unreadable(&dir, error))?;
    for entry in entries {
        let entry = entry.map_err(|error| unreadable(&dir, error))?;
        let path = entry.path();
        let name = relative.join(entry.file_name());
        let shown = name.to_string_lossy().into_owned();
        if relative.as_os_str().is_empty() && (shown == MANIFEST_FILE || shown == SIGNATURE_FILE) {
            continue;
        }
        let kind = entry
            .file_type()
            .map_err(|error| unreadable(&path, error))?;
        if kind.is_dir() {
            walk(root, &name, found)?;
        } else if kind.is_file() {
            let bytes = std::fs::read(&path).map_err(|error| unreadable(&path, error))?;
            found.insert(shown, Entry::File(sha256_hex(&bytes)));
        } else {
            found.insert(shown, Entry::Other);
        }
    }
    Ok(())
}
