//! Fixture definitions (`fixtures/<name>/fixture.toml`), their content hash,
//! and building their images offline: a base root filesystem from
//! `debootstrap` imported into the engine, then the fixture's own
//! `docker build` on top. Images are tagged by the hash of everything that
//! defines them, so an unchanged fixture is never rebuilt.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::error::GateError;
use crate::load::{InputError, Place, from_toml};
use crate::model::{Platform, sha256_hex};

/// How a fixture runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FixtureKind {
    Container,
    Vm,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixtureToml {
    pub name: String,
    pub platform: Platform,
    pub kind: FixtureKind,
    /// Whether PID 1 is an init system (systemd): then unit states count
    /// as changes a remediation makes.
    #[serde(default)]
    pub init: bool,
    #[serde(default)]
    pub description: String,
    /// Run only when named with `--fixture` (slow fixtures such as VMs);
    /// there a runbook is gated only through scenarios that name it.
    #[serde(default)]
    pub opt_in: bool,
    pub build: BuildSection,
    /// Containers: how to run one.
    #[serde(default)]
    pub run: RunSection,
    /// VMs: how to boot one.
    #[serde(default)]
    pub vm: Option<VmSection>,
    pub ready: ReadySection,
    #[serde(default)]
    pub changes: ChangesSection,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSection {
    /// A base directory beside the fixture (`fixtures/base`).
    pub base: String,
    /// Containers: the Dockerfile built on the base image.
    #[serde(default = "default_dockerfile")]
    pub dockerfile: String,
    #[serde(default = "default_context")]
    pub context: String,
    #[serde(default = "default_base_arg")]
    pub base_arg: String,
    /// VMs: packages added to the base's, one a line.
    #[serde(default)]
    pub packages: Option<String>,
    /// VMs: `configure.sh ROOTFS AUTHORIZED_KEY_FILE`, run before the disk
    /// image is made.
    #[serde(default)]
    pub configure: Option<String>,
}

/// How a VM fixture runs (kind `vm`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmSection {
    pub memory_mib: u32,
    pub cpus: u32,
    pub disk_gib: u32,
    pub kernel_cmdline: String,
    /// How long a boot may take; a restart's power-off gets as long again.
    #[serde(deserialize_with = "crate::model::timeout_seconds")]
    pub boot_timeout_s: u64,
}

fn default_dockerfile() -> String {
    "Dockerfile".to_owned()
}
fn default_context() -> String {
    ".".to_owned()
}
fn default_base_arg() -> String {
    "BASE".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunSection {
    #[serde(default)]
    pub cap_add: Vec<String>,
    #[serde(default)]
    pub tmpfs: Vec<String>,
    #[serde(default)]
    pub volumes: Vec<String>,
    #[serde(default)]
    pub stop_signal: Option<String>,
    #[serde(
        default = "default_stop_timeout",
        deserialize_with = "crate::model::timeout_seconds"
    )]
    pub stop_timeout_s: u64,
    /// The container's network: `none` by default, so the gate never
    /// depends on (or reaches) the network.
    #[serde(default = "default_network")]
    pub network: String,
}

impl Default for RunSection {
    fn default() -> Self {
        RunSection {
            cap_add: Vec::new(),
            tmpfs: Vec::new(),
            volumes: Vec::new(),
            stop_signal: None,
            stop_timeout_s: default_stop_timeout(),
            network: default_network(),
        }
    }
}

fn default_stop_timeout() -> u64 {
    10
}

fn default_network() -> String {
    "none".to_owned()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadySection {
    /// Runs in the container after every start: exit 0 when ready.
    pub script: String,
    #[serde(
        default = "default_ready_timeout",
        deserialize_with = "crate::model::timeout_seconds"
    )]
    pub timeout_s: u64,
}

fn default_ready_timeout() -> u64 {
    60
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesSection {
    /// Globs of paths whose changes are the fixture's own activity.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// VMs: the directories whose files are compared (containers compare
    /// their whole writable layer).
    #[serde(default)]
    pub roots: Vec<String>,
}

/// A fixture with where it came from and what its images are called.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub def: FixtureToml,
    pub dir: Place,
    pub base: BaseImage,
    /// `comply-fixture/<name>:<hash>`.
    pub image: String,
    pub hash: String,
}

/// The shared base root filesystem of container fixtures.
#[derive(Debug, Clone)]
pub struct BaseImage {
    pub dir: Place,
    pub image: String,
}

/// The files of a directory, recursively, as (relative path, bytes), sorted.
fn files(dir: &Place) -> Result<Vec<(String, Vec<u8>)>, InputError> {
    fn walk(dir: &Place, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), InputError> {
        for (child, is_dir) in dir.children()? {
            let name = format!("{prefix}{}", child.file_name());
            if is_dir {
                walk(&child, &format!("{name}/"), out)?;
            } else {
                out.push((name, child.read_up_to(crate::load::MAX_BUNDLE_BYTES)?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out)?;
    Ok(out)
}

/// The machine qemu emulates for every VM fixture (`vm/qemu.rs`), beside
/// the processors and memory of its `[vm]` section and its disk and
/// network backends.
pub const VM_HARDWARE: [&str; 5] = [
    "-nodefaults",
    "-machine",
    "pc",
    "-device",
    "virtio-net-pci,netdev=net0",
];

/// How a VM's root disk is attached: `-drive file=DISK,` and these.
pub const VM_DISK_ATTACHMENT: &str = "if=virtio,format=qcow2,cache=unsafe";

/// The virtual hardware as qemu arguments. A saved state loads only into
/// the devices it was saved from, so this is part of a VM image's hash.
fn vm_hardware() -> String {
    format!("{} -drive {VM_DISK_ATTACHMENT}", VM_HARDWARE.join(" "))
}

/// A hash of every file's path and content, and of extra facts.
fn tree_hash(files: &[(String, Vec<u8>)], extra: &[&str]) -> String {
    let mut text = Vec::new();
    for fact in extra {
        text.extend_from_slice(fact.as_bytes());
        text.push(0);
    }
    for (path, bytes) in files {
        text.extend_from_slice(path.as_bytes());
        text.push(0);
        text.extend_from_slice(sha256_hex(bytes).as_bytes());
        text.push(0);
    }
    sha256_hex(&text)[..16].to_owned()
}

/// The debootstrap mirror and suite, which the base image depends on too.
fn base_environment() -> [String; 2] {
    [
        std::env::var("COMPLY_DEBIAN_MIRROR").unwrap_or_default(),
        std::env::var("COMPLY_DEBIAN_SUITE").unwrap_or_default(),
    ]
}

/// Every fixture in a tree (`fixtures/`), by name.
pub fn discover(root: &Place) -> Result<BTreeMap<String, Fixture>, InputError> {
    let mut fixtures = BTreeMap::new();
    for (dir, is_dir) in root.children()? {
        let toml = dir.join("fixture.toml");
        if !is_dir || !toml.exists() {
            continue;
        }
        let file = toml.to_string();
        let def: FixtureToml = from_toml(&file, &toml.read_to_string()?)?;
        if def.name != dir.file_name() {
            return Err(InputError::new(
                file,
                format!(
                    "name `{}` differs from its directory name `{}`",
                    def.name,
                    dir.file_name()
                ),
            )
            .field("name"));
        }
        for pattern in &def.changes.ignore {
            globset::Glob::new(pattern).map_err(|error| {
                InputError::new(
                    &file,
                    format!("`{pattern}` is not a valid glob: {}", error.kind()),
                )
                .field("changes.ignore")
            })?;
        }
        let base_dir = root.join(&def.build.base);
        if !base_dir.join("build-rootfs.sh").exists() {
            return Err(InputError::new(
                file,
                format!("base `{}` has no build-rootfs.sh", def.build.base),
            )
            .field("build.base"));
        }
        let environment = base_environment();
        let base_hash = tree_hash(&files(&base_dir)?, &[&environment[0], &environment[1]]);
        let hash = match def.kind {
            FixtureKind::Container => tree_hash(&files(&dir)?, &[&base_hash]),
            FixtureKind::Vm => tree_hash(&files(&dir)?, &[&base_hash, &vm_hardware()]),
        };
        if def.kind == FixtureKind::Vm && def.vm.is_none() {
            return Err(
                InputError::new(file, "a fixture of kind `vm` needs a [vm] section").field("vm"),
            );
        }
        let image = match def.kind {
            FixtureKind::Container => format!("comply-fixture/{}:{hash}", def.name),
            FixtureKind::Vm => image_dir(&def.name, &hash).display().to_string(),
        };
        let fixture = Fixture {
            image,
            base: BaseImage {
                dir: base_dir,
                image: format!("comply-fixture/base:{base_hash}"),
            },
            hash,
            def,
            dir,
        };
        fixtures.insert(fixture.def.name.clone(), fixture);
    }
    Ok(fixtures)
}

/// The embedded fixtures, then those of `--fixtures DIR` (which may replace
/// an embedded one of the same name).
pub fn all(extra: Option<&Path>) -> Result<BTreeMap<String, Fixture>, InputError> {
    let mut fixtures = discover(&Place::Embedded("fixtures".into()))?;
    if let Some(dir) = extra {
        fixtures.extend(discover(&Place::Disk(dir.to_owned()))?);
    }
    Ok(fixtures)
}

/// Picks fixtures by name; with no names, every fixture that is not opt-in.
pub fn select(
    mut all: BTreeMap<String, Fixture>,
    names: &[String],
) -> Result<Vec<Fixture>, InputError> {
    if names.is_empty() {
        return Ok(all
            .into_values()
            .filter(|fixture| !fixture.def.opt_in)
            .collect());
    }
    let known: Vec<String> = all.keys().cloned().collect();
    names
        .iter()
        .map(|name| {
            all.remove(name).ok_or_else(|| {
                let hint = crate::suggest::closest(name, known.iter().map(String::as_str))
                    .map(|close| format!("did you mean `{close}`?"))
                    .unwrap_or_else(|| format!("the fixtures are: {}", known.join(", ")));
                InputError::new("--fixture", format!("no fixture named `{name}`")).hint(Some(hint))
            })
        })
        .collect()
}

/// Writes a tree's files into a fresh temporary directory (embedded files
/// have no modes: scripts are made executable by their Dockerfile or run
/// through `sh`).
pub(super) fn materialize(dir: &Place) -> Result<tempfile::TempDir, GateError> {
    let out = tempfile::Builder::new()
        .prefix("comply-fixture-")
        .tempdir()
        .map_err(|e| GateError::tool("cannot create a build directory", e))?;
    for (path, bytes) in files(dir).map_err(|e| GateError::Fixture(e.to_string()))? {
        let target = out.path().join(&path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| GateError::file(parent, e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| GateError::file(&target, e))?;
    }
    Ok(out)
}

/// Where built images and running machines live: `COMPLY_CACHE_DIR`, else
/// `/var/cache/comply` for root, else `~/.cache/comply`.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("COMPLY_CACHE_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if rustix::process::geteuid().is_root() {
        return PathBuf::from("/var/cache/comply");
    }
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("comply")
}

/// Built VM images, one directory per fixture definition.
pub fn images_dir() -> PathBuf {
    cache_root().join("fixtures")
}

/// The directory of a VM fixture's built image.
pub fn image_dir(name: &str, hash: &str) -> PathBuf {
    images_dir().join(format!("{name}-{hash}"))
}
