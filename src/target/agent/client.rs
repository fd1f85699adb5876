//! comply's end: a pool of agent connections for one target. Each
//! connection is one long-lived process (`docker exec -i … comply agent`,
//! `ssh … comply agent`) that runs one step at a time; a step costs a
//! message each way instead of a new `docker exec` or ssh session.
//!
//! When no agent can be started the pool says why, once, and the target
//! runs steps its old way; a step is never run twice: a connection lost
//! before the agent said `Started` never ran it (a restarted container
//! kills its agents), one lost after that is a `target-error`.

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};

use super::protocol::{self, Filled, FrameBuffer, Message, Step};
use crate::cancel::Cancel;
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
/// (installing it first where needed).
pub type Launcher = Box<dyn Fn() -> Result<Command, String> + Send + Sync>;

pub struct AgentPool {
    launch: Launcher,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    idle: Vec<Connection>,
    /// Why no agent runs on this target; steps then go the old way.
    unavailable: Option<String>,
}

impl AgentPool {
    pub fn new(launch: Launcher) -> AgentPool {
        AgentPool {
            launch,
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

    /// Runs the step through an agent; `None` when there is none, and the
    /// step did not run.
    pub fn run_step(&self, request: &StepRequest<'_>, cancel: &Cancel) -> Option<StepResult> {
        let step = Message::Step(Step {
            script: request.script.to_owned(),
            env: request.env.clone(),
            timeout_ms: request.timeout.as_millis() as u64,
            output_limit: request.output_limit,
        })
        .encode();
        loop {
            let (mut connection, fresh) = {
                let mut state = self.state();
                if state.unavailable.is_some() {
                    return None;
                }
                match state.idle.pop() {
                    Some(connection) => (connection, false),
                    None => {
                        drop(state);
                        match self.connect() {
                            Ok(connection) => (connection, true),
                            Err(reason) => {
                                self.state().unavailable.get_or_insert(reason);
                                return None;
                            }
                        }
                    }
                }
            };
            match connection.run(&step, request.timeout, cancel) {
                Ran::Answered(result) => {
                    self.state().idle.push(connection);
                    return Some(result);
                }
                Ran::Lost(error) => return Some(Err(error)),
                Ran::NotStarted(reason) if fresh => {
                    self.state().unavailable.get_or_insert(reason);
                    return None;
                }
                // Idle agents die with their container's restart: start afresh.
                Ran::NotStarted(_) => self.state().idle.clear(),
            }
        }
    }

    fn connect(&self) -> Result<Connection, String> {
        let command = (self.launch)()?;
        Connection::start(command)
    }
}

/// What became of one step sent to an agent.
enum Ran {
    Answered(StepResult),
    /// The agent went away before starting the step.
    NotStarted(String),
    /// The agent went away, or stopped answering, while running it.
    Lost(TargetError),
}

struct Connection {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    stderr: ChildStderr,
    buffer: FrameBuffer,
}

fn set_nonblocking(fd: impl AsFd) -> std::io::Result<()> {
    let flags = fcntl_getfl(&fd)?;
    fcntl_setfl(&fd, flags | OFlags::NONBLOCK)?;
    Ok(())
}

/// What the connection's process printed on stderr, for a message (the
/// pipe is non-blocking: what is there now).
fn said(stderr: &mut ChildStderr) -> String {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(count @ 1..) = stderr.read(&mut chunk) {
        bytes.extend_from_slice(&chunk[..count]);
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
    fn start(mut command: Command) -> Result<Connection, String> {
        let program = command.get_program().to_string_lossy().into_owned();
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
            buffer: FrameBuffer::default(),
        };
        set_nonblocking(&connection.stdout).map_err(|error| error.to_string())?;
        set_nonblocking(&connection.stderr).map_err(|error| error.to_string())?;
        let deadline = Instant::now() + START_TIMEOUT;
        let expected = protocol::hello();
        match connection.next_message(deadline, &Cancel::new()) {
            Ok(Some(hello)) if hello == expected => Ok(connection),
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

    /// How the connection's process ended, in words: the last thing it
    /// printed on stderr, once it has exited (or `EXIT_WAIT` has passed).
    fn ended(&mut self) -> String {
        let until = Instant::now() + EXIT_WAIT;
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        said(&mut self.stderr)
    }

    fn run(&mut self, step: &[u8], timeout: Duration, cancel: &Cancel) -> Ran {
        let sent = self
            .stdin
            .as_mut()
            .expect("open while idle")
            .write_all(step)
            .and_then(|()| self.stdin.as_mut().expect("open").flush());
        if let Err(error) = sent {
            return Ran::NotStarted(format!("the agent is gone: {error}"));
        }
        let deadline = Instant::now() + remote::client_timeout(timeout);
        match self.next_message(deadline, cancel) {
            Ok(Some(Message::Started)) => {}
            Ok(None) => return Ran::NotStarted(format!("the agent is gone ({})", self.ended())),
            Ok(Some(other)) => {
                return Ran::Lost(lost(format!(
                    "it said {other:?} instead of starting the step"
                )));
            }
            Err(error) => return Ran::Lost(lost(error)),
        }
        match self.next_message(deadline, cancel) {
            Ok(Some(Message::Done(output))) => Ran::Answered(Ok(output)),
            Ok(Some(Message::Failed(failure))) => Ran::Answered(Err(failure.into())),
            Ok(Some(other)) => Ran::Lost(lost(format!("it said {other:?} instead of a result"))),
            Ok(None) => Ran::Lost(lost(format!(
                "it stopped during the step: {}",
                self.ended()
            ))),
            Err(error) => Ran::Lost(lost(error)),
        }
    }

    /// The next message, passing cancellation on; `None` at end of file.
    fn next_message(
        &mut self,
        deadline: Instant,
        cancel: &Cancel,
    ) -> Result<Option<Message>, String> {
        let mut sent_cancel = false;
        let mut sent_urgent = false;
        let mut deadline = deadline;
        loop {
            if let Some(message) = self.buffer.next_message().map_err(|e| e.to_string())? {
                return Ok(Some(message));
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
