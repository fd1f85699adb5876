//! Commands that describe a fixture's state (a change manifest's listings),
//! run on a container or a machine and answered with their stdout.

use super::error::GateError;

/// Runs a shell command on the fixture and returns its stdout.
pub trait Shell {
    fn output(&self, command: &str) -> Result<String, GateError>;
}

/// Commands in a container go the way its steps go: through the agent
/// when there is one (a manifest's `systemctl list-units` through `docker
/// exec` cost the engine about 0.1 CPU-second, several times a case).
impl Shell for crate::target::docker::Docker {
    fn output(&self, command: &str) -> Result<String, GateError> {
        use crate::target::{Exit, StepRequest, Target};
        let request = StepRequest {
            script: command,
            env: Vec::new(),
            timeout: SHELL_TIMEOUT,
            output_limit: SHELL_OUTPUT_LIMIT,
        };
        let output = self.run_step(&request, &crate::cancel::Cancel::new())?;
        if output.exit != Exit::Code(0) || output.stdout.is_truncated() {
            return Err(GateError::Fixture(format!(
                "`{command}` in the container: {}{}: {}",
                output.exit,
                if output.stdout.is_truncated() {
                    ", output too long"
                } else {
                    ""
                },
                String::from_utf8_lossy(&output.stderr.bytes).trim()
            )));
        }
        Ok(String::from_utf8_lossy(&output.stdout.bytes).into_owned())
    }
}

/// Limits on a command that describes a container's state.
const SHELL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
const SHELL_OUTPUT_LIMIT: usize = 256 * 1024 * 1024;

impl Shell for crate::target::ssh::Ssh {
    fn output(&self, command: &str) -> Result<String, GateError> {
        Ok(self.command_output(command)?)
    }
}
