//! Evidence for auditors (`--evidence DIR`, docs/reports.md): each step's script,
//! stdout, stderr and exit as files, `DIR/<target>/<runbook>/`, the run's
//! JSON report as `DIR/report.json` (comply's version, the suite and
//! runbook hashes, hosts, start and duration), and `DIR/MANIFEST.sha256`
//! with the SHA-256 of every file in `sha256sum` format, so
//! `sha256sum -c MANIFEST.sha256` checks a report against exactly what ran.
//! With `--sign KEY` the manifest gets a minisign signature
//! (`MANIFEST.sha256.minisig`), which `comply verify` checks.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{Mode, OFlags};

use super::json::{self, Document};
use super::signing::{SIGNATURE_FILE, SigningKey};
use crate::model::sha256_hex;
use crate::results::{CaseResult, RunReport};
use crate::target::Exit;

/// The manifest's name in an evidence directory.
pub const MANIFEST_FILE: &str = "MANIFEST.sha256";
/// The run's JSON report in an evidence directory.
pub const REPORT_FILE: &str = "report.json";

/// A path component from a target, runbook, step or scenario name: only
/// characters safe in a file name, and never `.` or `..`.
fn component(name: &str) -> String {
    // The evidence root's own files are never a target's directory.
    const RESERVED: [&str; 4] = [
        MANIFEST_FILE,
        "MANIFEST.sha256.partial",
        SIGNATURE_FILE,
        REPORT_FILE,
    ];
    if RESERVED.contains(&name) {
        return format!("{name}_");
    }
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() || safe.chars().all(|c| c == '.') {
        safe.replace('.', "_") + "_"
    } else {
        safe
    }
}

/// The evidence directory of a run, opened (or created) and checked before
/// anything runs and written through its descriptor at the end.
///
/// Probe output can hold secrets, and comply runs as root: the directory is
/// the running user's own with mode 0700, files are 0600, and every entry
/// is created with `O_EXCL | O_NOFOLLOW` relative to a directory descriptor
/// comply created, so a link planted in the tree while the run goes on can
/// never redirect a write.
#[derive(Debug)]
pub struct EvidenceDir {
    path: PathBuf,
    fd: OwnedFd,
}

impl EvidenceDir {
    /// Creates `path` (0700), or accepts it when it is an empty directory —
    /// not a link — owned by the running user.
    pub fn open(path: &Path) -> Result<EvidenceDir, String> {
        let shown = path.display();
        match rustix::fs::mkdir(path, Mode::RWXU) {
            Ok(()) | Err(rustix::io::Errno::EXIST) => {}
            Err(error) => {
                return Err(format!(
                    "cannot create evidence directory `{shown}`: {error}"
                ));
            }
        }
        let fd = rustix::fs::open(
            path,
            OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|error| {
            format!(
                "evidence directory `{shown}` cannot be opened as a directory (not a link): {error}"
            )
        })?;
        let stat = rustix::fs::fstat(&fd).map_err(|error| format!("`{shown}`: {error}"))?;
        let own = rustix::process::geteuid().as_raw();
        if stat.st_uid != own {
            return Err(format!(
                "evidence directory `{shown}` belongs to uid {}, not to the running user (uid {own})",
                stat.st_uid
            ));
        }
        let mut entries = rustix::fs::Dir::read_from(&fd)
            .map_err(|error| format!("cannot read `{shown}`: {error}"))?;
        let has_entries = entries.any(|entry| {
            entry.is_ok_and(|entry| ![&b"."[..], b".."].contains(&entry.file_name().to_bytes()))
        });
        if has_entries {
            return Err(format!(
                "evidence directory `{shown}` is not empty: give a new one for each run"
            ));
        }
        rustix::fs::fchmod(&fd, Mode::RWXU)
            .map_err(|error| format!("cannot make `{shown}` private: {error}"))?;
        Ok(EvidenceDir {
            path: path.to_owned(),
            fd,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes the evidence of a run, its report and its manifest, signed
    /// when a key is given.
    pub fn write(
        &self,
        run: &RunReport,
        document: &Document,
        key: Option<&SigningKey>,
    ) -> std::io::Result<()> {
        let mut manifest = String::new();
        let report = json::render(document);
        create_file(&self.fd, REPORT_FILE, &report)?;
        let _ = writeln!(manifest, "{}  {REPORT_FILE}", sha256_hex(&report));
        let mut dirs: HashMap<PathBuf, OwnedFd> = HashMap::new();
        for case in run.cases() {
            for (relative, bytes) in case_files(case) {
                let parent = relative
                    .parent()
                    .expect("a case file is inside its case directory");
                if !dirs.contains_key(parent) {
                    let fd = self.make_dirs(parent)?;
                    dirs.insert(parent.to_owned(), fd);
                }
                let name = relative.file_name().expect("a file name");
                create_file(&dirs[parent], name, &bytes)?;
                let _ = writeln!(manifest, "{}  {}", sha256_hex(&bytes), relative.display());
            }
        }
        // Whole or not at all: written under a temporary name, signed, then
        // renamed — a manifest never stands without the signature asked for.
        create_file(&self.fd, "MANIFEST.sha256.partial", manifest.as_bytes())?;
        if let Some(key) = key {
            let signature = key
                .sign(manifest.as_bytes(), &trusted_comment(document))
                .map_err(std::io::Error::other)?;
            create_file(&self.fd, SIGNATURE_FILE, signature.as_bytes())?;
        }
        rustix::fs::renameat(&self.fd, "MANIFEST.sha256.partial", &self.fd, MANIFEST_FILE)?;
        Ok(())
    }

    /// Creates each directory of `relative` (0700) below the evidence root,
    /// opening each without following a link.
    fn make_dirs(&self, relative: &Path) -> std::io::Result<OwnedFd> {
        let mut current = rustix::io::dup(&self.fd)?;
        for part in relative.components() {
            let name = part.as_os_str();
            match rustix::fs::mkdirat(&current, name, Mode::RWXU) {
                // A target's directory holds the directories of its cases.
                Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                Err(error) => return Err(error.into()),
            }
            current = rustix::fs::openat(
                &current,
                name,
                OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::RDONLY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
        }
        Ok(current)
    }
}

/// The signature's trusted comment (signed with the manifest, and shown by
/// `minisign -V`): what ran, where and when, on one line.
fn trusted_comment(document: &Document) -> String {
    const HOSTS_SHOWN: usize = 8;
    let mut hosts: Vec<String> = document
        .targets
        .iter()
        .take(HOSTS_SHOWN)
        .map(|target| format!("{}={}", target.target, target.hostname))
        .collect();
    if document.targets.len() > HOSTS_SHOWN {
        hosts.push(format!("and {} more", document.targets.len() - HOSTS_SHOWN));
    }
    // Words comply chose come first, unquoted (`started` is the fourth
    // word: `signing::signed_start` reads it); names from the suite and
    // the hosts are quoted, with control and invisible characters escaped.
    format!(
        "comply {} {} started {} duration {:.1}s runbooks-sha256 {} suite {:?} hosts {:?} file:{MANIFEST_FILE}",
        document.comply_version,
        document.mode.as_str(),
        document.started_at.as_str(),
        document.duration_s,
        document.meta.runbooks_sha256,
        document.meta.suite,
        hosts.join(",")
    )
}

/// Creates a new file (0600) in `dir`, never through a link and never over
/// an existing entry.
fn create_file(dir: &OwnedFd, name: impl rustix::path::Arg, bytes: &[u8]) -> std::io::Result<()> {
    let fd = rustix::fs::openat(
        dir,
        name,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::RUSR | Mode::WUSR,
    )?;
    let mut file = std::fs::File::from(fd);
    file.write_all(bytes)?;
    file.sync_all()
}

/// The files of one case, relative to the evidence root.
fn case_files(case: &CaseResult) -> Vec<(PathBuf, Vec<u8>)> {
    let mut dir = PathBuf::from(component(&case.target)).join(component(case.runbook.id.as_str()));
    if let Some(gate) = &case.gate {
        dir.push(component(&gate.scenario));
    }
    let mut files = Vec::new();
    let mut verdict = format!("{}\n", case.verdict.message());
    for note in &case.notes {
        let _ = writeln!(verdict, "{note}");
    }
    files.push((dir.join("verdict.txt"), verdict.into_bytes()));
    for (index, step) in case.steps.iter().enumerate() {
        let stem = format!("{:02}-{}", index + 1, component(&step.label));
        files.push((
            dir.join(format!("{stem}.sh")),
            step.script.text().as_bytes().to_vec(),
        ));
        let exit = match &step.result {
            Ok(output) => {
                files.push((
                    dir.join(format!("{stem}.stdout")),
                    output.stdout.bytes.clone(),
                ));
                files.push((
                    dir.join(format!("{stem}.stderr")),
                    output.stderr.bytes.clone(),
                ));
                let code = match output.exit {
                    Exit::Code(code) => code.to_string(),
                    other => other.to_string(),
                };
                format!(
                    "{code}\nvariant {}\nstarted {}\nduration_s {:.3}\nstdout_dropped_bytes {}\nstderr_dropped_bytes {}\n",
                    step.variant,
                    step.started_at.to_rfc3339(),
                    output.duration.as_secs_f64(),
                    output.stdout.dropped,
                    output.stderr.dropped
                )
            }
            Err(error) => format!(
                "target-error: {error}\nvariant {}\nstarted {}\n",
                step.variant,
                step.started_at.to_rfc3339()
            ),
        };
        files.push((dir.join(format!("{stem}.exit")), exit.into_bytes()));
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_planted_during_the_run_redirects_nothing() {
        let root = tempfile::tempdir().unwrap();
        let outside = root.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let evidence = EvidenceDir::open(&root.path().join("evidence")).unwrap();
        // Planted after the checks, while steps run.
        std::os::unix::fs::symlink(&outside, evidence.path().join("local")).unwrap();
        std::os::unix::fs::symlink(
            outside.join("manifest"),
            evidence.path().join("MANIFEST.sha256.partial"),
        )
        .unwrap();
        assert!(evidence.make_dirs(Path::new("local/LIN-X-001")).is_err());
        assert!(create_file(&evidence.fd, "MANIFEST.sha256.partial", b"x").is_err());
        assert_eq!(
            std::fs::read_dir(&outside).unwrap().count(),
            0,
            "nothing written outside"
        );
    }

    #[test]
    fn names_never_leave_their_directory() {
        assert_eq!(component(".."), "___");
        assert_eq!(component("."), "__");
        assert_eq!(component("docker:web/1"), "docker_web_1");
        assert_eq!(component("report.json"), "report.json_");
        assert_eq!(component("MANIFEST.sha256"), "MANIFEST.sha256_");
    }
}
