//! `docker:CONTAINER`: steps run in an existing container through the
//! engine's CLI, `docker exec -i … timeout … sh` with the script on stdin.
//!
//! Killing the `docker exec` client does not stop what runs inside the
//! container, so the step timeout is enforced inside too (`timeout -s TERM
//! -k 5 N`), and after a timeout or interruption every process of the step
//! is killed by the step id it carries in its environment ([`super::remote`]).
//!
//! Unless told otherwise, steps go through an agent in the container
//! ([`super::agent`]), one `docker exec` per connection rather than per
//! step; the per-step exec is the fallback when no agent can start.

use std::sync::OnceLock;
use std::time::Duration;

use super::agent::{self, AgentPool, Placement, Reuse};
use super::process::{self, Leftovers, Limits};
use super::remote::{self, KILL_STEP, STEP_ID_VAR};
use super::{Exit, StepOutput, StepRequest, StepResult, Target, TargetError, script};
use crate::cancel::Cancel;
use crate::engine::{ContainerState, Engine};

pub struct Docker {
    engine: Engine,
    container: String,
    name: String,
    agent: Option<AgentPool>,
    /// Why there is no agent when one was wanted (the gate could not bind
    /// comply into the container).
    no_agent: Option<String>,
}

impl Docker {
    pub fn new(engine: Engine, container: &str, placement: Placement) -> Docker {
        let (agent, no_agent) = match placement {
            Placement::Off => (None, None),
            Placement::Unavailable(why) => (None, Some(why)),
            placement => (
                Some(agent_pool(engine.clone(), container.to_owned(), placement)),
                None,
            ),
        };
        Docker {
            engine,
            container: container.to_owned(),
            name: format!("docker:{container}"),
            agent,
            no_agent,
        }
    }

    /// Ends the idle agents: the gate does before restarting the
    /// container, which would end them anyway.
    pub fn close_agents(&self) {
        if let Some(agent) = &self.agent {
            agent.close_idle();
        }
    }

    fn kill_step(&self, step_id: &str) {
        let mut command = self.engine.command([
            "exec",
            "--",
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
            return Some(TargetError::ExecFailed {
                engine: self.engine.name().to_owned(),
                code,
                said: line.trim().to_owned(),
            });
        }
        self.stopped()
    }

    /// Why the container cannot be running the step any more, if it is
    /// not running.
    fn stopped(&self) -> Option<TargetError> {
        match self.engine.state(&self.container) {
            Ok(ContainerState::Running) => None,
            Ok(state) => Some(TargetError::ContainerStopped {
                container: self.container.clone(),
                state: format!("{state:?}"),
            }),
            Err(error) => Some(error.into()),
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
        self.engine.check()?;
        match self.engine.state(&self.container)? {
            ContainerState::Running => {}
            ContainerState::Missing => {
                return Err(TargetError::NoSuchContainer {
                    container: self.container.clone(),
                    engine: self.engine.name().to_owned(),
                });
            }
            ContainerState::Stopped(state) => {
                return Err(TargetError::ContainerNotRunning {
                    container: self.container.clone(),
                    state,
                });
            }
        }
        self.engine
            .output([
                "exec",
                "--",
                &self.container,
                "sh",
                "-c",
                "command -v timeout",
            ])
            .map(|_| ())
            .map_err(|_| TargetError::NoTimeoutCommand {
                place: format!("container `{}`", self.container),
            })
    }

    fn run_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult {
        let Some(agent) = &self.agent else {
            return self.exec_step(request, cancel);
        };
        let step_id = remote::new_step_id();
        match agent.run_step(request, &step_id, cancel) {
            None => self.exec_step(request, cancel),
            Some(Err(TargetError::LostTrack { program, reason })) => {
                // Whatever the step started may still run: stop it, as a
                // timed-out `docker exec` step is stopped.
                self.kill_step(&step_id);
                Err(self
                    .stopped()
                    .unwrap_or(TargetError::LostTrack { program, reason }))
            }
            Some(result) => result,
        }
    }

    fn agent_note(&self) -> Option<String> {
        let why = match &self.no_agent {
            Some(why) => why.clone(),
            None => self.agent.as_ref()?.unavailable()?,
        };
        Some(agent::fallback_note("`docker exec`", &why))
    }
}

impl Docker {
    /// Runs the step as its own `docker exec`.
    fn exec_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult {
        let invocation = script::Invocation::of(request.script);
        let step_id = remote::new_step_id();
        let mut command = self
            .engine
            .command(["exec", "--interactive", "--workdir", "/"]);
        for (name, value) in &request.env {
            command.arg("--env").arg(format!("{name}={value}"));
        }
        command
            .arg("--env")
            .arg(format!("{STEP_ID_VAR}={step_id}"))
            .arg("--")
            .arg(&self.container)
            .args(remote::timeout_prefix(request.timeout))
            .args(&invocation.argv);
        let limits = Limits {
            timeout: remote::client_timeout(request.timeout),
            grace: Duration::from_secs(2),
            output_limit: request.output_limit,

            leftovers: Leftovers::Kill,
        };
        let mut output = process::run_captured(command, invocation.stdin, limits, cancel)?;
        if let Some(error) = self.engine_failure(&output) {
            return Err(error);
        }
        remote::classify_timeout(&mut output, request.timeout);
        if remote::needs_kill(&output) {
            self.kill_step(&step_id);
        }
        Ok(output)
    }
}

/// Agents in the container: `docker exec -i … AGENT agent`, with comply
/// installed first where it is not already in place.
fn agent_pool(engine: Engine, container: String, placement: Placement) -> AgentPool {
    let installed: OnceLock<Result<String, String>> = OnceLock::new();
    let launch = move |cancel: &Cancel| {
        let path = match &placement {
            Placement::At(path) => path.clone(),
            _ => installed
                .get_or_init(|| {
                    agent::install(&|script, args, stdin| {
                        let mut command =
                            engine.command(["exec", "--interactive", "--", &container]);
                        command.args(["sh", "-c", script, "sh"]).args(args);
                        agent::install_output(command, stdin, cancel)
                    })
                })
                .clone()?,
        };
        Ok(engine.command([
            "exec",
            "--interactive",
            "--workdir",
            "/",
            "--",
            &container,
            &path,
            "agent",
        ]))
    };
    AgentPool::new(Box::new(launch), Reuse::Always)
}
