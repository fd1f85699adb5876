//! The in-target agent (`comply agent`): one long-lived comply process per
//! connection on the far side of a docker or ssh target, running the steps
//! comply sends it as the `local` target would (see docs/targets.md).
//!
//! A step through `docker exec` costs the engine an exec session (~100 ms),
//! through ssh a session on the master connection; through the agent it is
//! a message each way and a fork.

pub mod client;
pub mod protocol;
pub mod serve;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use client::{AgentPool, Launcher};

/// Where a target's agent comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// None: every step is its own `docker exec` or ssh command
    /// (`--no-agent`, and VM fixtures, whose change manifests would see a
    /// copied binary).
    Off,
    /// comply's own binary is already at this path on the far side.
    At(String),
    /// Copied into the far side's cache directory unless already there.
    Install,
}

/// Where the gate binds comply's binary into its container fixtures
/// (read-only); change manifests leave it out.
pub const FIXTURE_PATH: &str = "/.comply-agent";

/// comply's own binary and the first 16 hex digits of its SHA-256, which
/// name the installed copy so that another build never runs as this one.
pub fn own_binary() -> Result<&'static (PathBuf, String), String> {
    static OWN: OnceLock<Result<(PathBuf, String), String>> = OnceLock::new();
    OWN.get_or_init(|| {
        let path = std::env::current_exe()
            .map_err(|error| format!("cannot find comply's own binary: {error}"))?;
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        let hash = crate::model::sha256_hex(&bytes)[..16].to_owned();
        Ok((path, hash))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// `sh -c INSTALL sh ARCH HASH MODE` on the far side: prints the installed
/// agent's path. `check` prints `missing` when it is not there yet; `send`
/// reads the binary on standard input and installs it, written under a
/// temporary name and renamed, so a half-copied file is never run.
const INSTALL: &str = r#"set -e
[ "$(uname -m)" = "$1" ] || { echo "the machine is $(uname -m) and comply is $1" >&2; exit 3; }
d="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/comply"
f="$d/agent-$2"
if [ ! -x "$f" ]; then
  [ "$3" = send ] || { echo missing; exit 0; }
  umask 077
  mkdir -p "$d"
  cat > "$f.$$"
  chmod 700 "$f.$$"
  mv -f "$f.$$" "$f"
fi
echo "$f""#;

/// Runs `sh -c SCRIPT sh ARGS…` on the far side, with `stdin` as its
/// standard input when given; its stdout, or why it failed.
pub type RunShell<'a> = &'a dyn Fn(&str, &[&str], Option<&Path>) -> Result<String, String>;

/// Installs comply's binary on the far side unless it is there already;
/// the path to run.
pub fn install(run: RunShell<'_>) -> Result<String, String> {
    let (binary, hash) = own_binary()?;
    let arch = std::env::consts::ARCH;
    let there = run(INSTALL, &[arch, hash, "check"], None)?;
    let path = match there.trim() {
        "missing" => run(INSTALL, &[arch, hash, "send"], Some(binary))?,
        _ => there,
    };
    Ok(path.trim().to_owned())
}

const FALLBACK: &str = "the comply agent could not start";

/// The note a case carries when its target's steps could not go through
/// the agent.
pub fn fallback_note(how: &str, why: &str) -> String {
    format!("steps ran through a {how} each: {FALLBACK} ({why})")
}

pub fn is_fallback_note(note: &str) -> bool {
    note.starts_with("steps ran through a ") && note.contains(FALLBACK)
}
