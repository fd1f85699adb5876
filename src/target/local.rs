//! The host comply runs on.

use std::process::Command;
use std::time::Duration;

use super::descendants;
use super::process::{self, Leftovers, Limits};
use super::{StepRequest, StepResult, Target, script, set_step_env};
use crate::cancel::Cancel;
use crate::program::resolve_program;

/// Seconds between SIGTERM and SIGKILL when a step times out.
pub const GRACE: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub struct Local;

/// This machine's host name.
pub fn hostname() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

impl Target for Local {
    fn name(&self) -> &str {
        "local"
    }

    fn hostname(&self) -> String {
        hostname()
    }

    fn run_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult {
        let local = Here {
            leftovers: Leftovers::Kill,
            step_id: &descendants::new_step_id(),
            inherited_env: InheritedEnv::WithoutComplySettings,
        };
        run_here(request, cancel, &local)
    }
}

/// How a step runs on this machine: for the `local` target, or in the
/// agent for a comply elsewhere, where it must behave as a step run by
/// `docker exec` or ssh does.
pub struct Here<'a> {
    pub leftovers: Leftovers,
    /// What the step's processes carry as `COMPLY_STEP_ID`.
    pub step_id: &'a str,
    pub inherited_env: InheritedEnv,
}

/// What a step inherits of this process's environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InheritedEnv {
    /// All of it but comply's own `COMPLY_*` settings.
    WithoutComplySettings,
    /// All of it: the agent's environment is the container's or the ssh
    /// session's, which a step run by `docker exec` or ssh sees whole.
    All,
}

pub fn run_here(request: &StepRequest<'_>, cancel: &Cancel, here: &Here<'_>) -> StepResult {
    let invocation = script::Invocation::of(request.script);
    let mut command = Command::new(resolve_program(&invocation.argv[0]));
    command.args(&invocation.argv[1..]).current_dir("/");
    match here.inherited_env {
        InheritedEnv::WithoutComplySettings => set_step_env(&mut command, &request.env),
        InheritedEnv::All => {
            command.envs(request.env.iter().map(|(name, value)| (name, value)));
        }
    }
    let limits = Limits {
        timeout: request.timeout,
        grace: GRACE,
        output_limit: request.output_limit,
        leftovers: here.leftovers,
    };
    process::run_captured_as(command, invocation.stdin, limits, cancel, here.step_id)
}
