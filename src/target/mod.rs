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
