//! `ssh:[USER@]HOST[:PORT]`: steps run over the system OpenSSH client, so
//! the user's `~/.ssh/config`, agent, known_hosts and jump hosts just work.
//!
//! `BatchMode=yes` (never a prompt), host-key checking as configured (on by
//! default), and one multiplexed master connection per host in a private
//! socket directory, so a suite pays one handshake rather than one per
//! step. Failures of ssh itself — unreachable host, refused key, unknown or
//! changed host key — are `target-error`s that say which and what to do.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::agent::{self, AgentPool, Reuse};
use super::process::{self, Leftovers, Limits};
use super::remote::{self, KILL_STEP, STEP_ID_VAR, shell_quote};
use super::{Exit, StepOutput, StepRequest, StepResult, Target, TargetError, script};
use crate::cancel::Cancel;

pub use super::spec::Address;

/// Settings for every connection.
#[derive(Debug, Clone)]
pub struct SshOptions {
    pub connect_timeout: Duration,
    /// The private directory of the master connections, shared by every
    /// target of a run and removed with the last of them; `None` makes a
    /// new connection per step.
    pub control_dir: Option<Arc<tempfile::TempDir>>,
    /// Extra `-o` options (`--ssh-option`), e.g. `IdentityFile=…`.
    pub extra: Vec<String>,
    /// Whether steps go through an agent on the host (installed in the
    /// ssh user's cache directory), or each through its own session.
    pub agent: bool,
}

impl SshOptions {
    /// Options with one multiplexed connection per host.
    pub fn multiplexed(
        connect_timeout: Duration,
        extra: Vec<String>,
        agent: bool,
    ) -> Result<SshOptions, TargetError> {
        let dir = tempfile::Builder::new()
            .prefix("comply-ssh-")
            .tempdir()
            .map_err(|error| TargetError::ControlDir(error.to_string()))?;
        Ok(SshOptions {
            connect_timeout,
            control_dir: Some(Arc::new(dir)),
            extra,
            agent,
        })
    }
}

pub struct Ssh {
    address: Address,
    name: String,
    client: Client,
    agent: Option<AgentPool>,
}

/// How to start `ssh` for this host: everything an agent connection
/// needs too.
#[derive(Clone)]
struct Client {
    address: Address,
    options: SshOptions,
    program: PathBuf,
}

/// What ssh itself prints when it fails (as opposed to the remote script).
const SSH_FAILURES: [&str; 12] = [
    "Host key verification failed",
    "REMOTE HOST IDENTIFICATION HAS CHANGED",
    "Permission denied",
    "Connection refused",
    "Connection timed out",
    "No route to host",
    "Could not resolve hostname",
    "Network is unreachable",
    "Operation timed out",
    "kex_exchange_identification",
    "Connection closed by",
    "ssh: connect to host",
];

impl Ssh {
    pub fn new(address: Address, options: SshOptions) -> Ssh {
        let name = format!(
            "ssh:{}{}",
            address.destination(),
            address.port.map(|p| format!(":{p}")).unwrap_or_default()
        );
        let client = Client {
            address: address.clone(),
            options,
            program: crate::program::resolve_program("ssh"),
        };
        let agent = client.options.agent.then(|| agent_pool(client.clone()));
        Ssh {
            address,
            name,
            client,
            agent,
        }
    }

    fn ssh(&self, extra: &[&str]) -> Command {
        self.client.command(extra)
    }

    /// Says which ssh failure it was and what to do about it.
    fn explain(&self, stderr: &str) -> TargetError {
        let host = &self.address.host;
        let line = stderr
            .lines()
            .find(|line| SSH_FAILURES.iter().any(|s| line.contains(s)))
            .or_else(|| stderr.lines().rfind(|line| !line.trim().is_empty()))
            .unwrap_or("ssh failed without saying why")
            .trim();
        let advice = if stderr.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            format!(
                "the host key of `{host}` has CHANGED since it was recorded in known_hosts: if the host was \
                 reinstalled, verify its new key and remove the old one (`ssh-keygen -R {host}`); otherwise \
                 treat it as an attack"
            )
        } else if stderr.contains("Host key verification failed") {
            format!(
                "the host key of `{host}` is not in known_hosts (comply never accepts keys on its own): \
                 verify it and add it, e.g. connect once by hand"
            )
        } else if stderr.contains("Permission denied") {
            format!(
                "`{}` refused the key: load it into ssh-agent or set IdentityFile in ~/.ssh/config, and check \
                 the server's authorized_keys",
                self.address.destination()
            )
        } else {
            format!(
                "cannot reach `{host}`{}: check the name, the network and that sshd is running",
                self.address
                    .port
                    .map(|p| format!(" port {p}"))
                    .unwrap_or_default()
            )
        };
        TargetError::Unreachable {
            advice,
            said: line.to_owned(),
        }
    }

    fn ssh_failed(output: &StepOutput) -> bool {
        let stderr = String::from_utf8_lossy(&output.stderr.bytes);
        output.exit == Exit::Code(255) && SSH_FAILURES.iter().any(|s| stderr.contains(s))
    }

    fn kill_step(&self, step_id: &str) {
        let remote = format!(
            "sh -c {} sh {}",
            shell_quote(KILL_STEP),
            shell_quote(step_id)
        );
        let _ = self
            .ssh(&[])
            .arg(remote)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Runs a short command on the host; its stdout, or why it failed.
    pub fn command_output(&self, remote: &str) -> Result<String, TargetError> {
        let output = self
            .ssh(&[])
            .arg(remote)
            .output()
            .map_err(|error| TargetError::Spawn {
                program: "ssh".to_owned(),
                reason: error.to_string(),
            })?;
        if output.status.success() {
            return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        if output.status.code() == Some(255) {
            return Err(self.explain(&stderr));
        }
        Err(TargetError::RemoteCommand {
            command: remote.to_owned(),
            host: self.address.host.clone(),
            status: output.status.to_string(),
            code: output.status.code(),
            stderr: stderr.trim().to_owned(),
        })
    }

    /// Closes the master connection, if any.
    pub fn disconnect(&self) {
        if self.client.options.control_dir.is_none() {
            return;
        }
        let _ = self
            .ssh(&["-O", "exit"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for Ssh {
    fn drop(&mut self) {
        self.disconnect();
    }
}

impl Client {
    /// `ssh` with comply's options, then `extra` options (`-O exit`), then
    /// `--` and the destination, ready for a remote command. The `--` keeps
    /// ssh from reading the destination or anything after it as an option
    /// (OpenSSH parses options after the host name too).
    fn command(&self, extra: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command.stdin(Stdio::null());
        // ssh takes the first value it is given for an option: the user's
        // own `--ssh-option`s come first so they win (ControlMaster=no).
        for option in &self.options.extra {
            command.arg("-o").arg(option);
        }
        command.args(["-o", "BatchMode=yes"]);
        command.arg("-o").arg(format!(
            "ConnectTimeout={}",
            self.options.connect_timeout.as_secs().max(1)
        ));
        // Keep a dead server from holding a step until its timeout.
        command.args([
            "-o",
            "ServerAliveInterval=15",
            "-o",
            "ServerAliveCountMax=3",
        ]);
        if let Some(dir) = &self.options.control_dir {
            command.args(["-o", "ControlMaster=auto", "-o", "ControlPersist=60"]);
            command
                .arg("-o")
                .arg(format!("ControlPath={}/%C", dir.path().display()));
        }
        if let Some(port) = self.address.port {
            command.arg("-p").arg(port.to_string());
        }
        command
            .args(extra)
            .arg("--")
            .arg(self.address.destination());
        command
    }

    /// `sh -c SCRIPT sh ARGS…` on the host, with `-T` (no terminal, even
    /// where the user's configuration asks for one): the command.
    fn shell(&self, script: &str, args: &[&str]) -> Command {
        let mut words = vec![
            "sh".to_owned(),
            "-c".to_owned(),
            shell_quote(script),
            "sh".to_owned(),
        ];
        words.extend(args.iter().map(|arg| shell_quote(arg)));
        let mut command = self.command(&["-T"]);
        command.arg(words.join(" "));
        command
    }
}

/// Agents on the host: `ssh -T … 'cd / && exec AGENT agent'`, installed in
/// the ssh user's cache directory first unless already there.
fn agent_pool(client: Client) -> AgentPool {
    let installed: OnceLock<Result<String, String>> = OnceLock::new();
    let launch = move |cancel: &Cancel| {
        let path = installed
            .get_or_init(|| {
                agent::install(&|script, args, stdin| {
                    agent::install_output(client.shell(script, args), stdin, cancel)
                })
            })
            .clone()?;
        let mut command = client.command(&["-T"]);
        command.arg(format!("cd / && exec {} agent", shell_quote(&path)));
        Ok(command)
    };
    AgentPool::new(Box::new(launch), Reuse::NotAfterChange)
}

/// The exit code of the check for `timeout` when the host has none.
const NO_TIMEOUT: i32 = 3;

impl Target for Ssh {
    fn name(&self) -> &str {
        &self.name
    }

    fn hostname(&self) -> String {
        self.address.host.clone()
    }

    /// Connects once (starting the master connection) and checks the far
    /// side has `timeout`.
    fn check(&self) -> Result<(), TargetError> {
        match self.command_output(&format!(
            "command -v timeout >/dev/null || exit {NO_TIMEOUT}"
        )) {
            Ok(_) => Ok(()),
            Err(TargetError::RemoteCommand {
                code: Some(NO_TIMEOUT),
                ..
            }) => Err(TargetError::NoTimeoutCommand {
                place: format!("`{}`", self.address.host),
            }),
            Err(error) => Err(error),
        }
    }

    fn run_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult {
        let Some(agent) = &self.agent else {
            return self.session_step(request, cancel);
        };
        let step_id = remote::new_step_id();
        match agent.run_step(request, &step_id, cancel) {
            None => self.session_step(request, cancel),
            Some(Err(error @ TargetError::LostTrack { .. })) => {
                // Whatever the step started may still run: stop it, as a
                // timed-out step in its own session is stopped.
                self.kill_step(&step_id);
                Err(error)
            }
            Some(result) => result,
        }
    }

    fn agent_note(&self) -> Option<String> {
        let why = self.agent.as_ref()?.unavailable()?;
        Some(agent::fallback_note("ssh session", &why))
    }
}

impl Ssh {
    /// Runs the step in its own ssh session.
    fn session_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> StepResult {
        let invocation = script::Invocation::of(request.script);
        let step_id = remote::new_step_id();
        // The remote login shell parses this line: every word is quoted,
        // and input values travel as environment variables, never as
        // script text.
        let mut words = vec![
            "cd".to_owned(),
            "/".to_owned(),
            "&&".to_owned(),
            "exec".to_owned(),
            "env".to_owned(),
        ];
        for (name, value) in request
            .env
            .iter()
            .chain([&(STEP_ID_VAR.to_owned(), step_id.clone())])
        {
            words.push(shell_quote(&format!("{name}={value}")));
        }
        words.extend(remote::timeout_prefix(request.timeout));
        words.extend(invocation.argv.iter().map(|word| shell_quote(word)));
        let mut command = self.ssh(&[]);
        command.arg(words.join(" "));
        let limits = Limits {
            timeout: remote::client_timeout(request.timeout),
            grace: Duration::from_secs(2),
            output_limit: request.output_limit,

            leftovers: Leftovers::Kill,
        };
        let mut output = process::run_captured(command, invocation.stdin, limits, cancel)?;
        if Self::ssh_failed(&output) {
            return Err(self.explain(&String::from_utf8_lossy(&output.stderr.bytes)));
        }
        remote::classify_timeout(&mut output, request.timeout);
        if remote::needs_kill(&output) {
            self.kill_step(&step_id);
        }
        Ok(output)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_destination_follows_an_end_of_options_marker() {
        let ssh = Ssh::new(
            Address::parse("admin@db:2222").unwrap(),
            SshOptions {
                connect_timeout: Duration::from_secs(1),
                control_dir: None,
                extra: vec![],
                agent: false,
            },
        );
        let exit = ssh.ssh(&["-O", "exit"]);
        let args: Vec<_> = exit.get_args().map(|a| a.to_string_lossy()).collect();
        let tail: Vec<&str> = args[args.len() - 4..].iter().map(|a| a.as_ref()).collect();
        assert_eq!(tail, ["-O", "exit", "--", "admin@db"]);
    }
}
