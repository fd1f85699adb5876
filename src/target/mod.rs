//! Where steps run. Every target turns a script into one local process —
//! `sh` itself, `docker exec -i … sh`, `ssh … sh` — that reads the script on
//! standard input, so the process handling in [`process`] serves them all.

pub mod docker;
pub mod local;
pub mod process;
pub mod script;

use std::time::Duration;

use crate::cancel::Cancel;

pub use process::{Captured, Exit, StepOutput};

/// One step to run.
#[derive(Debug, Clone)]
pub struct StepRequest<'a> {
    pub script: &'a str,
    /// `COMPLY_*` variables (SPEC §2); input values travel only here.
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

/// The environment variables a step's process sees besides `COMPLY_*`:
/// none of comply's own `COMPLY_*` settings leak into scripts.
pub fn inherited_env() -> impl Iterator<Item = (String, String)> {
    std::env::vars().filter(|(name, _)| !name.starts_with("COMPLY_"))
}
