//! Where steps run. Every target turns a script into one local process —
//! `sh` itself, `docker exec -i … sh`, `ssh … sh` — that reads the script on
//! standard input, so the process handling in [`process`] serves them all.

pub mod descendants;
pub mod docker;
pub mod local;
pub mod process;
pub mod remote;
pub mod script;
pub mod spec;
pub mod ssh;

use std::time::Duration;

use crate::cancel::Cancel;

pub use process::{Captured, Exit, StepOutput};

/// One step to run.
#[derive(Debug, Clone)]
pub struct StepRequest<'a> {
    pub script: &'a str,
    /// `COMPLY_*` variables (docs/targets.md); input values travel only here.
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    /// Cap on each of stdout and stderr; the rest is counted, not kept.
    pub output_limit: usize,
}

/// The target could not run the step at all (`target-error`): unreachable,
/// container missing, interpreter not startable. Never a verdict on the
/// host's compliance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TargetError(pub String);

pub trait Target: Send + Sync {
    /// The `--target` spelling: `local`, `docker:NAME`.
    fn name(&self) -> &str;

    /// The host name reports carry for this target.
    fn hostname(&self) -> String;

    /// Runs one step to completion, timeout or cancellation.
    fn run(&self, request: &StepRequest<'_>, cancel: &Cancel) -> Result<StepOutput, TargetError>;

    /// Checks the target is usable before any case starts, so an absent
    /// container is one clear `target-error` rather than a surprise later.
    fn check(&self) -> Result<(), TargetError> {
        Ok(())
    }
}

/// Prepares a step process's environment: comply's own environment minus
/// its `COMPLY_*` settings, plus the step's `COMPLY_*` variables.
pub fn set_step_env(command: &mut std::process::Command, env: &[(String, String)]) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("COMPLY_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().map(|(name, value)| (name, value)));
}

/// The absolute path of a program on the `PATH`, so the spawn needs no path
/// search (and can use posix_spawn); the name itself when not found, which
/// then fails to start with a clear error. Lookups are remembered: a run
/// spawns the same few interpreters thousands of times.
pub fn resolve_program(program: &str) -> std::path::PathBuf {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    if program.contains('/') {
        return program.into();
    }
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(program.to_owned())
        .or_insert_with(|| search_path(program))
        .clone()
}

fn search_path(program: &str) -> std::path::PathBuf {
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(program))
                .find(|candidate| {
                    rustix::fs::access(candidate, rustix::fs::Access::EXEC_OK).is_ok()
                })
        })
        .unwrap_or_else(|| program.into())
}
