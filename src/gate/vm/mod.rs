//! VM fixtures (kind `vm`): a whole Debian machine under qemu, for controls
//! a container cannot exercise (auditd, kernel parameters), driven through
//! the ssh target.
//!
//! Built offline and cached by the fixture's hash: a debootstrap root
//! filesystem with a kernel, made into an ext4 image with `mkfs.ext4 -d`
//! (no loop mounts) and a qcow2 base; a key pair generated for the image
//! only; then one boot whose RAM and device state is saved with qemu's
//! migration, so that each scenario resumes a booted machine from a fresh
//! copy-on-write overlay in a second or two instead of paying a ~16 s boot.
//! Persistence is checked across a power cycle: the guest shuts down and a
//! new qemu boots its disk (see [`Vm::power_cycle`]).

mod image;
mod qemu;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::error::GateError;
use super::fixture::{Fixture, cache_root};
use crate::target::ssh::{Address, SshOptions};

pub use image::build;
pub use qemu::{Vm, resume};

/// The files of a built VM image, in its cache directory.
const BASE_DISK: &str = "base.qcow2";
const BOOTED_DISK: &str = "booted.qcow2";
const STATE: &str = "booted.state";
const KERNEL: &str = "vmlinuz";
const INITRD: &str = "initrd.img";
const KEY: &str = "id_ed25519";
const KNOWN_HOSTS: &str = "known_hosts";
/// Written last: the image is complete.
const ACCEL: &str = "accel";

/// Running machines' scratch directories, one per case.
pub(super) fn runs_dir() -> PathBuf {
    cache_root().join("runs")
}

pub fn is_built(fixture: &Fixture) -> bool {
    Path::new(&fixture.image).join(ACCEL).exists()
}

/// How qemu runs the guest: KVM where it works, else TCG.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Accel {
    Kvm,
    Tcg,
}

impl Accel {
    fn args(self) -> [&'static str; 4] {
        match self {
            Accel::Kvm => ["-accel", "kvm", "-cpu", "host"],
            Accel::Tcg => ["-accel", "tcg,thread=multi", "-cpu", "max"],
        }
    }

    fn name(self) -> &'static str {
        match self {
            Accel::Kvm => "kvm",
            Accel::Tcg => "tcg",
        }
    }
}

fn failed(what: &str, error: impl std::fmt::Display) -> GateError {
    GateError::tool(what, error)
}

fn run_tool(command: &mut Command, what: &str) -> Result<(), GateError> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| failed(what, e))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(GateError::tool(
            &format!("{what} failed ({})", output.status),
            String::from_utf8_lossy(&output.stderr).trim(),
        ))
    }
}

/// A free loopback port for sshd's forward (free when asked; qemu binds it
/// a moment later).
fn free_port() -> Result<u16, GateError> {
    let listener =
        std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| failed("no free port", e))?;
    Ok(listener
        .local_addr()
        .map_err(|e| failed("no free port", e))?
        .port())
}

/// The ssh `-o` options that reach a machine of the image in `image`: the
/// image's own key and host key, nothing from the user's ssh setup. Also
/// what `comply run --ssh-option …` needs to reach a resumed machine.
pub fn ssh_settings(image: &Path, fixture: &Fixture) -> Vec<String> {
    vec![
        format!("IdentityFile={}", image.join(KEY).display()),
        "IdentitiesOnly=yes".to_owned(),
        format!("UserKnownHostsFile={}", image.join(KNOWN_HOSTS).display()),
        format!("HostKeyAlias=comply-{}", fixture.def.name),
        "StrictHostKeyChecking=yes".to_owned(),
        "LogLevel=ERROR".to_owned(),
    ]
}

fn ssh_options(image: &Path, fixture: &Fixture) -> Result<SshOptions, GateError> {
    let settings = ssh_settings(image, fixture);
    // No agent: a copy of comply in the machine would show in its change
    // manifests, and a step over ssh costs little next to the machine.
    Ok(SshOptions::multiplexed(
        Duration::from_secs(5),
        settings,
        false,
    )?)
}

/// A fresh scratch directory for one machine; its name starts with this
/// process's id so `comply fixtures prune` can tell live runs from leftovers.
fn scratch_dir() -> Result<tempfile::TempDir, GateError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    std::fs::create_dir_all(runs_dir())
        .map_err(|e| failed("cannot create the runs directory", e))?;
    tempfile::Builder::new()
        .prefix(&format!(
            "{}-{}-",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ))
        .tempdir_in(runs_dir())
        .map_err(|e| failed("cannot create a scratch directory", e))
}

fn accel_of(image: &Path) -> Accel {
    match std::fs::read_to_string(image.join(ACCEL))
        .as_deref()
        .map(str::trim)
    {
        Ok("kvm") => Accel::Kvm,
        _ => Accel::Tcg,
    }
}

/// root on the forwarded loopback port.
fn loopback(port: u16) -> Address {
    Address {
        user: Some("root".to_owned()),
        host: "127.0.0.1".to_owned(),
        port: Some(port),
    }
}
