//! `comply verify DIR --key PUB`: is an evidence directory exactly what
//! the signed run wrote? The signature must be over the manifest, every
//! file the manifest lists must be there with its hash, and no other file
//! may be. A directory that cannot be read completely is never verified.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read as _;
use std::os::fd::OwnedFd;
use std::path::Path;

use minisign::PublicKey;
use rustix::fs::{FileType, Mode, OFlags};
use sha2::Digest as _;

use super::evidence::{MANIFEST_FILE, REPORT_FILE};
use super::signing::{self, SIGNATURE_FILE, SignatureProblem};

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
            // Names come from the directory: escaped, so none can redraw the
            // line (`\r`, terminal escapes) to look like a success.
            Difference::Changed(path) => write!(
                f,
                "changed: {} (its SHA-256 is not the manifest's)",
                path.escape_debug()
            ),
            Difference::Added(path) => {
                write!(f, "added: {} (not in the manifest)", path.escape_debug())
            }
            Difference::Removed(path) => write!(
                f,
                "removed: {} (in the manifest, not in the directory)",
                path.escape_debug()
            ),
        }
    }
}

/// Why a directory is not verified.
#[derive(Debug)]
pub enum VerifyError {
    /// Bad input or an unreadable directory (exit 2).
    Unusable(String),
    /// The signature does not cover the manifest (exit 1): it was edited
    /// after signing, or the signature is another manifest's — the same
    /// fact, cryptographically.
    Signature(String),
    /// Files differ from the signed manifest (exit 1), sorted by path.
    Differences(Vec<Difference>),
}

/// The most a manifest or signature may hold: far more than any run
/// writes, far less than would exhaust memory.
const MAX_MANIFEST_BYTES: u64 = 256 << 20;
const MAX_SIGNATURE_BYTES: u64 = 64 << 10;

pub fn verify(dir: &Path, key: &PublicKey) -> Result<Verified, VerifyError> {
    let shown = dir.display();
    let root = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|error| {
        VerifyError::Unusable(format!("cannot open `{shown}` as a directory: {error}"))
    })?;
    let read = |name: &str, limit: u64| {
        read_regular(&root, name, limit).map_err(|why| {
            VerifyError::Unusable(format!(
                "{shown}/{name}: {why} (expected an evidence directory written with --sign)"
            ))
        })
    };
    let manifest = read(MANIFEST_FILE, MAX_MANIFEST_BYTES)?;
    let signature =
        String::from_utf8(read(SIGNATURE_FILE, MAX_SIGNATURE_BYTES)?).map_err(|_| {
            VerifyError::Unusable(format!(
                "{shown}/{SIGNATURE_FILE} is not text: not a minisign signature"
            ))
        })?;
    let trusted_comment =
        signing::check(key, &signature, &manifest).map_err(|problem| match problem {
            SignatureProblem::Unusable(why) => VerifyError::Unusable(format!("{shown}: {why}")),
            SignatureProblem::Mismatch(why) => {
                VerifyError::Signature(match another_run(&root, &signature) {
                    Some(hint) => format!("{why}; {hint}"),
                    None => why,
                })
            }
        })?;
    let listed = parse_manifest(&manifest)?;
    if !listed.contains_key(REPORT_FILE) {
        return Err(VerifyError::Unusable(format!(
            "{shown}/{MANIFEST_FILE} does not list {REPORT_FILE}: not evidence comply wrote"
        )));
    }
    let mut present = BTreeMap::new();
    walk(&root, "", &listed, &mut present).map_err(|(path, error)| {
        VerifyError::Unusable(format!(
            "cannot read `{shown}/{path}`: {error}; nothing is verified"
        ))
    })?;
    let mut differences = Vec::new();
    for (path, hash) in &listed {
        match present.get(path) {
            None => differences.push(Difference::Removed(path.clone())),
            Some(Entry::File(Some(actual))) if actual == hash => {}
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

/// A hint for a signature that does not match: the run it names (its
/// trusted comment, not authenticated here) against this directory's
/// report. Only words for the person reading; the verdict stays 1.
fn another_run(root: &OwnedFd, signature: &str) -> Option<String> {
    let signed = signing::signed_start(signature)?;
    // Unauthenticated text: shown only when it is a time, nothing else.
    chrono::DateTime::parse_from_rfc3339(&signed).ok()?;
    let report = read_regular(root, REPORT_FILE, MAX_MANIFEST_BYTES).ok()?;
    let report: serde_json::Value = serde_json::from_slice(&report).ok()?;
    let own = report.get("started_at")?.as_str()?;
    (signed != own).then(|| {
        format!(
            "the signature names a run started {signed} and this directory's report one started {own}: \
             it may be another run's signature"
        )
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
    /// A regular file: its SHA-256 when the manifest lists it (an unlisted
    /// file is a difference whatever it holds, so it is not read).
    File(Option<String>),
    /// A link, socket, FIFO, device or empty directory: never evidence
    /// comply wrote.
    Other,
}

type WalkError = (String, std::io::Error);

/// Every entry below the directory `dir` (at `relative`), but the root's
/// manifest and signature. Each entry is opened relative to its parent's
/// descriptor without following links, and its type is read from the
/// opened descriptor: nothing swapped in during the walk is followed.
fn walk(
    dir: &OwnedFd,
    relative: &str,
    listed: &BTreeMap<String, String>,
    found: &mut BTreeMap<String, Entry>,
) -> Result<(), WalkError> {
    let failed =
        |path: &str, error: rustix::io::Errno| (path.to_owned(), std::io::Error::from(error));
    let mut entries = 0;
    for entry in rustix::fs::Dir::read_from(dir).map_err(|e| failed(relative, e))? {
        let entry = entry.map_err(|e| failed(relative, e))?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        entries += 1;
        // comply writes only UTF-8 names; another name keeps its bytes,
        // escaped, so two of them never merge into one entry.
        let shown_name = match std::str::from_utf8(name) {
            Ok(name) => name.to_owned(),
            Err(_) => name.escape_ascii().to_string(),
        };
        let path = if relative.is_empty() {
            shown_name
        } else {
            format!("{relative}/{shown_name}")
        };
        if relative.is_empty() && (path == MANIFEST_FILE || path == SIGNATURE_FILE) {
            continue;
        }
        let handle = rustix::fs::openat(
            dir,
            entry.file_name(),
            OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| failed(&path, e))?;
        let stat = rustix::fs::fstat(&handle).map_err(|e| failed(&path, e))?;
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::Directory => {
                let child =
                    reopen(dir, &entry, OFlags::DIRECTORY, &stat).map_err(|e| failed(&path, e))?;
                walk(&child, &path, listed, found)?;
            }
            FileType::RegularFile if listed.contains_key(&path) => {
                let file =
                    reopen(dir, &entry, OFlags::empty(), &stat).map_err(|e| failed(&path, e))?;
                let hash = hash(file).map_err(|e| (path.clone(), e))?;
                found.insert(path, Entry::File(Some(hash)));
            }
            FileType::RegularFile => {
                found.insert(path, Entry::File(None));
            }
            _ => {
                found.insert(path, Entry::Other);
            }
        }
    }
    // An empty directory is something the run did not write.
    if entries == 0 && !relative.is_empty() {
        found.insert(format!("{relative}/"), Entry::Other);
    }
    Ok(())
}

/// Opens for reading what `entry` named when it was stat'ed, refusing a
/// different object swapped in since.
fn reopen(
    dir: &OwnedFd,
    entry: &rustix::fs::DirEntry,
    kind: OFlags,
    seen: &rustix::fs::Stat,
) -> Result<OwnedFd, rustix::io::Errno> {
    let fd = rustix::fs::openat(
        dir,
        entry.file_name(),
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | kind,
        Mode::empty(),
    )?;
    let now = rustix::fs::fstat(&fd)?;
    if (now.st_dev, now.st_ino) != (seen.st_dev, seen.st_ino) {
        return Err(rustix::io::Errno::STALE);
    }
    Ok(fd)
}

fn hash(file: OwnedFd) -> std::io::Result<String> {
    let mut file = std::fs::File::from(file);
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(hex::encode(hasher.finalize()));
        }
        hasher.update(&buffer[..read]);
    }
}

/// A regular file of at most `limit` bytes in `dir`, not through a link.
fn read_regular(dir: &OwnedFd, name: &str, limit: u64) -> Result<Vec<u8>, String> {
    let fd = rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|error| std::io::Error::from(error).to_string())?;
    let stat = rustix::fs::fstat(&fd).map_err(|error| error.to_string())?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return Err("not a regular file".to_owned());
    }
    if stat.st_size as u64 > limit {
        return Err(format!("larger than {limit} bytes"));
    }
    let mut bytes = Vec::new();
    std::fs::File::from(fd)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|error| error.to_string())?;
    Ok(bytes)
}
