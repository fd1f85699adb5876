//! `docker:CONTAINER`: steps run in an existing container through the
//! engine's CLI, `docker exec -i … timeout … sh` with the script on stdin.
//!
//! Killing the `docker exec` client does not stop what runs inside the
//! container, so the step timeout is enforced inside too (`timeout -s TERM
//! -k 5 N`), and after a timeout or interruption every process of the step
//! is killed by the step id it carries in its environment.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::process::{self, Limits};
use super::{Exit, StepOutput, StepRequest, Target, TargetError, script};
use crate::cancel::Cancel;
use crate::engine::{ContainerState, Engine};

/// Between the inside `timeout`'s SIGTERM and its SIGKILL.
const INSIDE_GRACE_S: u64 = 5;
/// How long the client may outlive the inside timeout before comply kills it.
const CLIENT_MARGIN: Duration = Duration::from_secs(5);

/// Exit statuses of GNU/busybox `timeout` when the limit was reached.
const TIMEOUT_EXITS: [i32; 2] = [124, 137];

/// Kills every process in the container whose environment names the step.
const KILL_STEP: &str = "for p in /proc/[0-9]*; do \
    if tr '\\0' '\\n' < \"$p/environ\" 2>/dev/null | grep -qx \"COMPLY_STEP_ID=$1\"; then \
      kill -KILL \"${p#/proc/}\" 2>/dev/null; \
    fi; \
  done; exit 0";

pub struct Docker {
    engine: Engine,
    container: String,
    name: String,
    next_step: AtomicU64,
}

impl Docker {
    pub fn new(engine: Engine, container: &str) -> Docker {
        Docker {
            engine,
            container: container.to_owned(),
            name: format!("docker:{container}"),
            next_step: AtomicU64::new(0),
        }
    }

    /// Step ids unique across comply processes and steps.
    fn step_id(&self) -> String {
        format!(
            "comply-{}-{}",
            std::process::id(),
            self.next_step.fetch_add(1, Ordering::SeqCst)
        )
    }

    fn kill_step(&self, step_id: &str) {
        let mut command = self.engine.command([
            "exec",
            &self.container,
            "sh",
            "-c",
            KILL_STEP,
            "sh",
            step_id,
        ]);
        let _ = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }

    /// The engine's own failures, told apart from a script's exit codes by
    /// what the client printed.
    fn engine_failure(&self, output: &StepOutput) -> Option<TargetError> {
        let Exit::Code(code @ (125..=127)) = output.exit else {
            return None;
        };
        let stderr = String::from_utf8_lossy(&output.stderr.bytes);
        let engine_said = [
            "Error response from daemon",
            "OCI runtime exec failed",
            "timeout: failed to run command",
            "is not running",
            "No such container",
        ];
        if let Some(line) = stderr
            .lines()
            .find(|line| engine_said.iter().any(|s| line.contains(s)))
        {
            return Some(TargetError(format!(
                "`{} exec` failed (exit {code}): {}",
                self.engine.name(),
                line.trim()
            )));
        }
        match self.engine.state(&self.container) {
            Ok(ContainerState::Running) => None,
            Ok(state) => Some(TargetError(format!(
                "container `{}` stopped during the step ({state:?})",
                self.container
            ))),
            Err(error) => Some(TargetError(error.to_string())),
        }
    }
}

impl Target for Docker {
    fn name(&self) -> &str {
        &self.name
    }

    fn hostname(&self) -> String {
        self.engine
            .inspect(&self.container, "{{.Config.Hostname}}")
            .unwrap_or_else(|_| self.container.clone())
    }

    fn check(&self) -> Result<(), TargetError> {
        self.engine
            .check()
            .map_err(|e| TargetError(e.to_string()))?;
        match self
            .engine
            .state(&self.container)
            .map_err(|e| TargetError(e.to_string()))?
        {
            ContainerState::Running => {}
            ContainerState::Missing => {
                return Err(TargetError(format!(
                    "container `{}` does not exist (`{} ps -a` lists the containers there are)",
                    self.container,
                    self.engine.name()
                )));
            }
            ContainerState::Stopped(state) => {
                return Err(TargetError(format!(
                    "container `{}` is not running (it is `{state}`): start it first",
                    self.container
                )));
            }
        }
        self.engine
            .output(["exec", &self.container, "sh", "-c", "command -v timeout"])
            .map(|_| ())
            .map_err(|_| {
                TargetError(format!(
                    "container `{}` has no `timeout` command (coreutils or busybox), which comply needs to \
                     enforce step timeouts inside it",
                    self.container
                ))
            })
    }

    fn run(&self, request: &StepRequest<'_>, cancel: &Cancel) -> Result<StepOutput, TargetError> {
        let interpreter = script::interpreter(request.script);
        let step_id = self.step_id();
        let inside_timeout = request.timeout.as_secs().max(1);
        let mut command = self
            .engine
            .command(["exec", "--interactive", "--workdir", "/"]);
        command.stdin(std::process::Stdio::piped());
        for (name, value) in request
            .env
            .iter()
            .chain([&("COMPLY_STEP_ID".to_owned(), step_id.clone())])
        {
            command.arg("--env").arg(format!("{name}={value}"));
        }
        command
            .arg(&self.container)
            .args([
                "timeout",
                "-s",
                "TERM",
                "-k",
                &INSIDE_GRACE_S.to_string(),
                &inside_timeout.to_string(),
            ])
            .args(&interpreter);
        let limits = Limits {
            timeout: Duration::from_secs(inside_timeout + INSIDE_GRACE_S) + CLIENT_MARGIN,
            grace: Duration::from_secs(2),
            output_limit: request.output_limit,
        };
        let mut output = process::run(
            command,
            script::stdin_bytes(request.script, &interpreter),
            limits,
            cancel,
        )?;
        if let Some(error) = self.engine_failure(&output) {
            return Err(error);
        }
        let timed_out_inside = matches!(output.exit, Exit::Code(code) if TIMEOUT_EXITS.contains(&code))
            && output.duration >= Duration::from_secs(inside_timeout);
        if timed_out_inside {
            output.exit = Exit::TimedOut;
        }
        if matches!(output.exit, Exit::TimedOut | Exit::Cancelled) {
            self.kill_step(&step_id);
        }
        Ok(output)
    }
}
