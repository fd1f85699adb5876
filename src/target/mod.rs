//! Where steps run. Every target turns a script into one local process —
//! `sh` itself, `docker exec -i … sh`, `ssh … sh` — that reads the script on
//! standard input, so the process handling in [`process`] serves them all.

pub mod agent;
pub mod ansible;
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
use crate::engine::EngineError;
use crate::load::{InputError, Place};

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
/// host's compliance. Details are kept as text where they come from another
/// program (ssh, the engine) or from `std::io`, so records stay `Clone`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The local program that carries steps (`sh`, `docker`, `ssh`).
    #[error("cannot start `{program}`: {reason}")]
    Spawn { program: String, reason: String },
    #[error("lost track of `{program}`: {reason}")]
    LostTrack { program: String, reason: String },
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The engine, not the script, failed a `docker exec`.
    #[error("`{engine} exec` failed (exit {code}): {said}")]
    ExecFailed {
        engine: String,
        code: i32,
        said: String,
    },
    #[error(
        "container `{container}` does not exist (`{engine} ps -a` lists the containers there are)"
    )]
    NoSuchContainer { container: String, engine: String },
    #[error("container `{container}` is not running (it is `{state}`): start it first")]
    ContainerNotRunning { container: String, state: String },
    #[error("container `{container}` stopped during the step ({state})")]
    ContainerStopped { container: String, state: String },
    /// `place` is `container `NAME`` or `` `HOST` ``.
    #[error(
        "{place} has no `timeout` command (coreutils or busybox), which comply needs to enforce step timeouts there"
    )]
    NoTimeoutCommand { place: String },
    /// ssh could not connect; `advice` says what to check.
    #[error("{advice} (ssh: {said})")]
    Unreachable { advice: String, said: String },
    #[error("`{command}` on `{host}` failed ({status}): {stderr}")]
    RemoteCommand {
        command: String,
        host: String,
        status: String,
        code: Option<i32>,
        stderr: String,
    },
    #[error("cannot create a directory for ssh connections: {0}")]
    ControlDir(String),
    #[error("cannot detect the platform of `{target}`: the detection script {exit}: {stderr}")]
    Platform {
        target: String,
        exit: String,
        stderr: String,
    },
    #[error("cannot take the remediation lock: {0}")]
    Lock(String),
}

/// What running a step gives: its output, or why it could not run.
pub type StepResult = Result<StepOutput, TargetError>;

pub trait Target: Send + Sync {
    /// The `--target` spelling: `local`, `docker:NAME`.
    fn name(&self) -> &str;

    /// The host name reports carry for this target.
    fn hostname(&self) -> String;

    /// Runs one step to completion, timeout or cancellation.
    fn run_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult;

    /// Checks the target is usable before any case starts, so an absent
    /// container is one clear `target-error` rather than a surprise later.
    fn check(&self) -> Result<(), TargetError> {
        Ok(())
    }

    /// Why steps here did not go through the in-target agent, when one
    /// was meant to run them and could not start; cases say so.
    fn agent_note(&self) -> Option<String> {
        None
    }
}

/// The targets of an inventory: Ansible's `ansible-inventory --list`
/// JSON, or comply's line format; `limit` (`--limit`) selects from an
/// Ansible inventory only.
pub fn inventory_targets(
    file: &str,
    text: &str,
    limit: Option<&str>,
) -> Result<Vec<String>, InputError> {
    if ansible::is_ansible_json(text) {
        return ansible::targets(file, text, limit);
    }
    if limit.is_some() {
        return Err(InputError::new(
            file,
            "--limit selects hosts of an Ansible inventory, and this is comply's line format",
        ));
    }
    spec::parse_inventory(file, text)
}

pub fn read_inventory(place: &Place, limit: Option<&str>) -> Result<Vec<String>, InputError> {
    inventory_targets(&place.to_string(), &place.read_to_string()?, limit)
}

/// Prepares a step process's environment: comply's own environment minus
/// its `COMPLY_*` settings, plus the step's `COMPLY_*` variables.
pub fn set_step_env(command: &mut std::process::Command, env: &[(String, String)]) {
    for name in own_settings() {
        command.env_remove(name);
    }
    command.envs(env.iter().map(|(name, value)| (name, value)));
}

/// The names of comply's own `COMPLY_*` variables, read once: comply never
/// changes its environment, and walking it for every step was a tenth of
/// a local run's instructions.
fn own_settings() -> &'static [std::ffi::OsString] {
    static NAMES: std::sync::OnceLock<Vec<std::ffi::OsString>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        std::env::vars_os()
            .map(|(name, _)| name)
            .filter(|name| name.to_string_lossy().starts_with("COMPLY_"))
            .collect()
    })
}
