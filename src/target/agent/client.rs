//! comply's end: a pool of agent connections for one target. Each
//! connection is one long-lived process (`docker exec -i … comply agent`,
//! `ssh … comply agent`) that runs one step at a time; a step costs a
//! message each way instead of a new `docker exec` or ssh session.
//!
//! When no agent can be started the pool says why, once, and the target
//! runs steps its old way. A step is sent once: only a connection found
//! dead before the step was written to it is replaced and the step sent on
//! another; one lost after that is a `target-error`, whether or not the
//! agent had said `Started` (the frame may be what was lost).

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};

use super::protocol::{self, Filled, FrameBuffer, Message, Step};
use crate::cancel::Cancel;
use crate::target::process::set_nonblocking;
use crate::target::{StepRequest, StepResult, TargetError, remote};

/// How long an agent may take to say hello.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a waiting step looks at the cancellation flag.
const TICK: Duration = Duration::from_millis(100);
/// How long a cancelled step's agent may take to answer before comply
/// gives up on it (its own grace is 1 s).
const CANCEL_MARGIN: Duration = Duration::from_secs(10);
/// How long a closed agent may take to exit before its client is killed.
const EXIT_WAIT: Duration = Duration::from_secs(2);

/// Makes the command that starts an agent, or says why there is none
/// (installing it first where needed, which the token can interrupt).
pub type Launcher = Box<dyn Fn(&Cancel) -> Result<Command, String> + Send + Sync>;

/// Whether a connection serves the next step after a step that may have
/// changed the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// Always: a `docker exec` session's environment, limits and umask
    /// come from the container's configuration, which steps do not change.
    Always,
    /// Not after a remediation or scenario: an ssh session's limits, umask
    /// and environment come from PAM when it opens, and the next step must
    /// see what a remediation changed there, as a new session would.
    NotAfterChange,
}

pub struct AgentPool {
    launch: Launcher,
    reuse: Reuse,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    idle: Vec<Connection>,
    /// Why no agent runs on this target; steps then go the old way.
    unavailable: Option<String>,
}

impl AgentPool {
    pub fn new(launch: Launcher, reuse: Reuse) -> AgentPool {
        AgentPool {
            launch,
            reuse,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Why steps do not go through an agent here, once that is known.
    pub fn unavailable(&self) -> Option<String> {
        self.state().unavailable.clone()
    }

    fn give_up(&self, reason: String) {
        self.state().unavailable.get_or_insert(reason);
    }

    /// Ends every idle agent (the gate does before it restarts a
    /// container, which would end them anyway).
    pub fn close_idle(&self) {
        let idle = std::mem::take(&mut self.state().idle);
        close_all(idle);
    }

    /// Runs the step through an agent, its processes carrying `step_id`;
    /// `None` when there is no agent, and the step did not run.
    pub fn run_step(
        &self,
        request: &StepRequest<'_>,
        step_id: &str,
        cancel: &Cancel,
    ) -> Option<StepResult> {
        let step = Message::Step(Step {
            step_id: step_id.to_owned(),
            script: request.script.to_owned(),
            env: request.env.clone(),
            timeout_ms: request.timeout.as_millis() as u64,
            output_limit: request.output_limit,
        })
        .encode();
        loop {
            let idle = {
                let mut state = self.state();
                if state.unavailable.is_some() {
                    return None;
                }
                state.idle.pop()
            };
            let (mut connection, fresh) = match idle {
                // An agent that died while idle (its container restarted)
                // is replaced before anything is written to it.
                Some(mut connection) => {
                    if !connection.is_alive() {
                        continue;
                    }
                    (connection, false)
                }
                None => match self.connect(cancel) {
                    Ok(connection) => (connection, true),
                    Err(reason) => {
                        self.give_up(reason);
                        return None;
                    }
                },
            };
            match connection.run(&step, step_id, request.timeout, cancel) {
                Ran::Answered(result) => {
                    if self.reuse == Reuse::Always || !changes_host(request) {
                        self.state().idle.push(connection);
                    }
                    return Some(result);
                }
                Ran::Lost(error) => return Some(Err(error)),
                Ran::NotSent(reason) if fresh => {
                    self.give_up(reason);
                    return None;
                }
                Ran::NotSent(_) => {}
            }
        }
    }

    fn connect(&self, cancel: &Cancel) -> Result<Connection, String> {
        let command = (self.launch)(cancel)?;
        Connection::start(command, cancel)
    }
}

impl Drop for AgentPool {
    fn drop(&mut self) {
        self.close_idle();
    }
}

/// Whether the step is one that changes the host on purpose.
fn changes_host(request: &StepRequest<'_>) -> bool {
    request.env.iter().any(|(name, value)| {
        name == "COMPLY_STEP" && matches!(value.as_str(), "remediate" | "scenario")
    })
}

/// Closes every agent's input first, then waits for them all: one wait,
/// not one per agent.
fn close_all(mut connections: Vec<Connection>) {
    for connection in &mut connections {
        connection.stdin = None;
    }
    drop(connections);
}

/// What became of one step sent to an agent.
enum Ran {
    Answered(StepResult),
    /// It could not be written: the step certainly did not run.
    NotSent(String),
    /// The agent went away, answered out of turn or stopped answering
    /// after the step was written.
    Lost(TargetError),
}

struct Connection {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    stderr: ChildStderr,
    buffer: FrameBuffer,
}

/// What the connection's process printed on stderr, for a message (the
/// pipe is non-blocking: what is there now).
fn said(stderr: &mut ChildStderr) -> String {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(count @ 1..) = stderr.read(&mut chunk) {
        bytes.extend_from_slice(&chunk[..count]);
        if bytes.len() > 64 * 1024 {
            break;
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

impl Connection {
    fn start(mut command: Command, cancel: &Cancel) -> Result<Connection, String> {
        let program = command.get_program().to_string_lossy().into_owned();
        // Its own process group, as every step's client: a Ctrl-C at the
        // terminal reaches comply only, which then cancels the step
        // through the agent, with its grace.
        command.process_group(0);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|error| format!("cannot start `{program}`: {error}"))?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            unreachable!("all three are piped")
        };
        let mut connection = Connection {
            child,
            stdin: Some(stdin),
            stdout,
            stderr,
            buffer: FrameBuffer::with_limit(protocol::MAX_HELLO),
        };
        set_nonblocking(&connection.stdout).map_err(|error| error.to_string())?;
        set_nonblocking(&connection.stderr).map_err(|error| error.to_string())?;
        let deadline = Instant::now() + START_TIMEOUT;
        let expected = protocol::hello();
        match connection.next_message(deadline, cancel, Forward::No) {
            Ok(Some(hello)) if hello == expected => {
                connection.buffer.limit = protocol::MAX_FRAME;
                Ok(connection)
            }
            Ok(Some(Message::Hello { protocol, version })) => Err(format!(
                "the agent is comply {version} (protocol {protocol}), not this comply {}",
                env!("CARGO_PKG_VERSION")
            )),
            Ok(Some(other)) => Err(format!("the agent said {other:?} before hello")),
            // What came instead of a hello is the reason: the engine
            // prints why it could not exec on stdout, ssh on stderr.
            Ok(None) | Err(_) => {
                let stderr = connection.ended();
                let stdout = connection.buffer.text();
                let why = [stdout.as_str(), stderr.as_str()]
                    .into_iter()
                    .find(|text| !text.is_empty())
                    .unwrap_or("it said nothing");
                Err(format!("the agent did not start: {why}"))
            }
        }
    }

    /// Whether an idle agent is still there: its client runs and nothing
    /// came from it (an idle agent says nothing; end of file or anything
    /// else means it is gone or broken).
    fn is_alive(&mut self) -> bool {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return false;
        }
        let mut fds = [PollFd::new(&self.stdout, PollFlags::IN)];
        let zero = Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        matches!(poll(&mut fds, Some(&zero)), Ok(0))
    }

    /// How the connection's process ended, in words: the last thing it
    /// printed on stderr, once it has exited (or `EXIT_WAIT` has passed).
    fn ended(&mut self) -> String {
        let until = Instant::now() + EXIT_WAIT;
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        said(&mut self.stderr)
    }

    fn run(&mut self, step: &[u8], step_id: &str, timeout: Duration, cancel: &Cancel) -> Ran {
        let stdin = self.stdin.as_mut().expect("open while idle");
        if let Err(error) = stdin.write_all(step).and_then(|()| stdin.flush()) {
            return Ran::NotSent(format!("the agent is gone: {error}"));
        }
        let deadline = Instant::now() + remote::client_timeout(timeout);
        let answer = |connection: &mut Connection| match connection.next_message(
            deadline,
            cancel,
            Forward::Yes,
        ) {
            Ok(Some(message)) => Ok(message),
            Ok(None) => Err(format!(
                "it stopped during the step ({})",
                connection.ended()
            )),
            Err(error) => Err(error),
        };
        match answer(self) {
            Ok(Message::Started { step_id: id }) if id == step_id => {}
            Ok(other) => {
                return Ran::Lost(lost(format!(
                    "it said {other:?} instead of starting the step"
                )));
            }
            Err(why) => return Ran::Lost(lost(why)),
        }
        match answer(self) {
            Ok(Message::Done {
                step_id: id,
                output,
            }) if id == step_id => Ran::Answered(Ok(output)),
            Ok(Message::Failed(failure)) if failure.step_id == step_id => {
                Ran::Answered(Err(failure.into()))
            }
            Ok(other) => Ran::Lost(lost(format!(
                "it said {other:?} instead of the step's result"
            ))),
            Err(why) => Ran::Lost(lost(why)),
        }
    }

    /// The next message; `None` at end of file. While a step runs,
    /// cancellation is passed on to the agent; before that it ends the
    /// wait.
    fn next_message(
        &mut self,
        deadline: Instant,
        cancel: &Cancel,
        forward: Forward,
    ) -> Result<Option<Message>, String> {
        let mut sent_cancel = false;
        let mut sent_urgent = false;
        let mut deadline = deadline;
        loop {
            if let Some(message) = self.buffer.next_message().map_err(|e| e.to_string())? {
                return Ok(Some(message));
            }
            if cancel.is_cancelled() && forward == Forward::No {
                return Err("comply was interrupted".to_owned());
            }
            if cancel.is_cancelled() && !sent_cancel {
                sent_cancel = true;
                deadline = deadline.min(Instant::now() + CANCEL_MARGIN);
                self.send(&Message::Cancel { urgent: false });
            }
            if cancel.is_urgent() && !sent_urgent {
                sent_urgent = true;
                self.send(&Message::Cancel { urgent: true });
            }
            let now = Instant::now();
            if now >= deadline {
                return Err("the agent did not answer in time".to_owned());
            }
            let wait = (deadline - now).min(TICK);
            let spec = Timespec {
                tv_sec: wait.as_secs() as i64,
                tv_nsec: wait.subsec_nanos() as i64,
            };
            let mut fds = [PollFd::new(&self.stdout, PollFlags::IN)];
            match poll(&mut fds, Some(&spec)) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(error) => return Err(error.to_string()),
            }
            match self.buffer.fill(&mut self.stdout) {
                Ok(Filled::Bytes | Filled::WouldBlock) => {}
                Ok(Filled::EndOfFile) => return Ok(None),
                Err(error) => return Err(error.to_string()),
            }
        }
    }

    fn send(&mut self, message: &Message) {
        if let Some(stdin) = &mut self.stdin {
            let _ = message.write_to(stdin);
        }
    }
}

/// Whether a wait passes cancellation on to a running step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Forward {
    Yes,
    No,
}

fn lost(reason: impl std::fmt::Display) -> TargetError {
    TargetError::LostTrack {
        program: "comply agent".to_owned(),
        reason: reason.to_string(),
    }
}

impl Drop for Connection {
    /// Closing its input ends the agent; its client follows.
    fn drop(&mut self) {
        self.stdin = None;
        let until = Instant::now() + EXIT_WAIT;
        while Instant::now() < until {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
