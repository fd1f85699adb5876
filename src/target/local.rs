//! The host comply runs on.

use std::process::Command;
use std::time::Duration;

use super::process::{self, Limits};
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
        let invocation = script::Invocation::of(request.script);
        let mut command = Command::new(resolve_program(&invocation.argv[0]));
        command.args(&invocation.argv[1..]).current_dir("/");
        set_step_env(&mut command, &request.env);
        let limits = Limits {
            timeout: request.timeout,
            grace: GRACE,
            output_limit: request.output_limit,
        };
        process::run_captured(command, invocation.stdin, limits, cancel)
    }
}
