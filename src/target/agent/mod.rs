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

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

pub use client::{AgentPool, Launcher, Reuse};

use super::Exit;
use super::process::{self, Leftovers, Limits};
use crate::cancel::Cancel;

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
    /// Wanted but impossible, for this reason: steps go the old way and
    /// every case says why.
    Unavailable(String),
}

/// Where the gate binds comply's binary into its container fixtures
/// (read-only); change manifests leave it out.
pub const FIXTURE_PATH: &str = "/.comply-agent";

/// comply's own binary and its SHA-256 (hex). The first 16 digits name
/// the installed copy, and the whole is checked on the far side before
/// every use, so that neither another build nor a file someone else put
/// there under that name ever runs as this one.
pub fn own_binary() -> Result<&'static (PathBuf, String), String> {
    static OWN: OnceLock<Result<(PathBuf, String), String>> = OnceLock::new();
    OWN.get_or_init(|| {
        let path = std::env::current_exe()
            .map_err(|error| format!("cannot find comply's own binary: {error}"))?;
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        Ok((path, crate::model::sha256_hex(&bytes)))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// `sh -c INSTALL sh ARCH SHA256 MODE` on the far side: prints the path of
/// an agent that is this comply, byte for byte, in a directory only the
/// user can write. `check` prints `missing` when there is none yet; `send`
/// reads the binary on standard input, checks its hash, and renames it
/// into place (removing other builds' copies). Whatever is found there is
/// checked, not trusted: owner, mode, no link, and the hash.
const INSTALL: &str = r#"set -eu
[ "$(uname -m)" = "$1" ] || { echo "the machine is $(uname -m) and comply is $1" >&2; exit 3; }
[ -n "${HOME:-}" ] || { echo "HOME is not set" >&2; exit 3; }
d="${XDG_CACHE_HOME:-$HOME/.cache}/comply"
f="$d/agent-$(printf %.16s "$2")"
me=$(id -u)
only_mine() { [ ! -L "$1" ] && [ -n "$(find "$1" -maxdepth 0 -user "$me" ! -perm -g+w ! -perm -o+w)" ]; }
hash_of() { sha256sum < "$1" | cut -d' ' -f1; }
if ! { [ -f "$f" ] && only_mine "$d" && only_mine "$f" && [ "$(hash_of "$f")" = "$2" ]; }; then
  [ "$3" = send ] || { echo missing; exit 0; }
  umask 077
  mkdir -p "$d"
  only_mine "$d" || { echo "$d is a link or writable by others" >&2; exit 3; }
  t=$(mktemp "$d/incoming.XXXXXX")
  cat > "$t"
  [ "$(hash_of "$t")" = "$2" ] || { rm -f "$t"; echo "the copy is incomplete" >&2; exit 3; }
  chmod 700 "$t"
  mv -f "$t" "$f"
  for old in "$d"/agent-*; do [ "$old" = "$f" ] || rm -f "$old"; done
fi
echo "$f""#;

/// Runs `sh -c SCRIPT sh ARGS…` on the far side with the given standard
/// input (empty: none); its stdout, or why it failed.
pub type RunShell<'a> = &'a dyn Fn(&str, &[&str], Vec<u8>) -> Result<String, String>;

/// Installs comply's binary on the far side unless it is there already;
/// the path to run.
pub fn install(run: RunShell<'_>) -> Result<String, String> {
    let (binary, hash) = own_binary()?;
    let arch = std::env::consts::ARCH;
    let there = run(INSTALL, &[arch, hash, "check"], Vec::new())?;
    let path = match there.trim() {
        "missing" => {
            let bytes = std::fs::read(binary)
                .map_err(|error| format!("cannot read `{}`: {error}", binary.display()))?;
            run(INSTALL, &[arch, hash, "send"], bytes)?
        }
        _ => there,
    };
    Ok(path.trim().to_owned())
}

/// Runs an install command (a `docker exec` or ssh client) to completion,
/// bounded in time and stopped with the run; its stdout.
pub fn install_output(command: Command, stdin: Vec<u8>, cancel: &Cancel) -> Result<String, String> {
    let limits = Limits {
        timeout: INSTALL_TIMEOUT,
        grace: Duration::from_secs(2),
        output_limit: 64 * 1024,
        leftovers: Leftovers::Kill,
    };
    let output =
        process::run_captured(command, stdin, limits, cancel).map_err(|error| error.to_string())?;
    if output.exit != Exit::Code(0) {
        return Err(format!(
            "installing it failed ({}): {}",
            output.exit,
            String::from_utf8_lossy(&output.stderr.bytes).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout.bytes).into_owned())
}

/// How long checking for and copying the agent may take.
const INSTALL_TIMEOUT: Duration = Duration::from_secs(120);

const FALLBACK: &str = "the comply agent could not start";

/// The note a case carries when its target's steps could not go through
/// the agent.
pub fn fallback_note(how: &str, why: &str) -> String {
    format!("steps ran through a {how} each: {FALLBACK} ({why})")
}

pub fn is_fallback_note(note: &str) -> bool {
    note.starts_with("steps ran through a ") && note.contains(FALLBACK)
}
