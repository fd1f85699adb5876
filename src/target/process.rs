//! Runs one step's process: script on stdin, capped capture of stdout and
//! stderr, timeout with SIGTERM → grace → SIGKILL to the whole process
//! group, cancellation, and leaked pipes.
//!
//! Everything happens in one `poll(2)` loop over the child's pipes and a
//! pidfd, so a step costs one fork/exec and no helper threads, and no
//! blocking read can hang the run.
//!
//! One file on purpose: the loop, the pipes and the kill sequence share
//! the child's state and are only correct together; a quarter of it is
//! tests.

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
use rustix::process::{Pid, PidfdFlags, pidfd_open};

use super::TargetError;
use super::descendants::{self, STEP_ID_VAR};
use crate::cancel::Cancel;

/// What a step printed on one stream, up to the cap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captured {
    pub bytes: Vec<u8>,
    /// Bytes past the cap that were read and counted but not kept.
    pub dropped: u64,
}

impl Captured {
    /// Nothing captured (a step that could not run).
    pub const EMPTY: Captured = Captured {
        bytes: Vec::new(),
        dropped: 0,
    };

    fn push(&mut self, chunk: &[u8], limit: usize) {
        let room = limit.saturating_sub(self.bytes.len());
        let kept = room.min(chunk.len());
        self.bytes.extend_from_slice(&chunk[..kept]);
        self.dropped += (chunk.len() - kept) as u64;
    }

    pub fn is_truncated(&self) -> bool {
        self.dropped > 0
    }
}

/// How a step's process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    /// Died from a signal comply did not send.
    Signal(i32),
    /// Ran past its timeout and was killed.
    TimedOut,
    /// Stopped because comply was interrupted.
    Cancelled,
}

impl Exit {
    pub fn code(self) -> Option<i32> {
        match self {
            Exit::Code(code) => Some(code),
            Exit::Signal(_) | Exit::TimedOut | Exit::Cancelled => None,
        }
    }
}

impl std::fmt::Display for Exit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Exit::Code(code) => write!(f, "exit {code}"),
            Exit::Signal(signal) => write!(f, "killed by signal {signal}"),
            Exit::TimedOut => f.write_str("timed out"),
            Exit::Cancelled => f.write_str("interrupted"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutput {
    pub exit: Exit,
    pub stdout: Captured,
    pub stderr: Captured,
    pub duration: Duration,
    /// A background process kept stdout or stderr open after the step's
    /// main process exited; comply killed the step's process group.
    pub leaked: bool,
}

/// Time limits for one step.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    /// Between SIGTERM and SIGKILL after a timeout.
    pub grace: Duration,
    pub output_limit: usize,
    pub leftovers: Leftovers,
}

/// What becomes of processes a step leaves behind when it ends on its own
/// (after a timeout or interruption they are always killed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leftovers {
    /// Killed, and a child still holding the step's output gets 100 ms:
    /// the `local` target.
    Kill,
    /// Left running, and the step lasts until its output is closed or its
    /// timeout, as a step run by `docker exec` or ssh does: the agent,
    /// so that a daemon a remediation starts on a host without systemd
    /// survives there either way.
    Keep,
}

/// How long to wait for a background child to close inherited pipes after
/// the main process exits (cargo-nextest's default leak timeout).
const LEAK_TIMEOUT: Duration = Duration::from_millis(100);
/// Grace before SIGKILL when comply itself is interrupted: long enough for
/// a script's `trap` to clean up, short enough for Ctrl-C to feel prompt.
const CANCEL_GRACE: Duration = Duration::from_secs(1);
/// How often a waiting step looks at the cancellation flag.
const TICK: Duration = Duration::from_millis(100);

/// Why comply is stopping the process.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Timeout,
    Cancel,
}

pub fn run_captured(
    command: Command,
    stdin: Vec<u8>,
    limits: Limits,
    cancel: &Cancel,
) -> Result<StepOutput, TargetError> {
    run_captured_as(command, stdin, limits, cancel, &descendants::new_step_id())
}

/// [`run_captured`] with the step id its processes carry given (the
/// agent's steps carry the id comply chose, so comply can kill them by it).
pub fn run_captured_as(
    mut command: Command,
    stdin: Vec<u8>,
    limits: Limits,
    cancel: &Cancel,
    step_id: &str,
) -> Result<StepOutput, TargetError> {
    let program = command.get_program().to_string_lossy().into_owned();
    command
        .stdin(if stdin.is_empty() {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: a terminal's Ctrl-C reaches comply only (which
    // then stops the step itself), and the whole tree can be signalled at
    // once. A group rather than a session keeps the spawn on posix_spawn
    // (vfork), which costs a fraction of a fork of comply.
    command.process_group(0);
    // Inherited by everything the step starts, so what escapes the group
    // (`setsid`) is still known as the step's (see `descendants`).
    command.env(STEP_ID_VAR, step_id);
    let start = Instant::now();
    let mut child = command.spawn().map_err(|error| TargetError::Spawn {
        program: program.to_owned(),
        reason: error.to_string(),
    })?;
    let group = Pid::from_child(&child);
    let result = StepProcess::new(&mut child, group, step_id, stdin, limits, start)
        .and_then(|step| step.drive(cancel));
    let ended_on_its_own =
        matches!(&result, Ok(output) if matches!(output.exit, Exit::Code(_) | Exit::Signal(_)));
    let keep = limits.leftovers == Leftovers::Keep && ended_on_its_own;
    // Nothing the step started outlives it, unless kept (see `Leftovers`).
    let leftovers = !keep && descendants::kill_leftovers(group, step_id);
    match result {
        Ok(mut output) => {
            output.leaked |= leftovers;
            Ok(output)
        }
        Err(error) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(TargetError::LostTrack {
                program: program.to_owned(),
                reason: error.to_string(),
            })
        }
    }
}

struct StepProcess<'a> {
    child: &'a mut Child,
    group: Pid,
    step_id: &'a str,
    pidfd: Option<OwnedFd>,
    stdin: Option<std::process::ChildStdin>,
    input: Vec<u8>,
    written: usize,
    stdout: Option<std::process::ChildStdout>,
    stderr: Option<std::process::ChildStderr>,
    out: Captured,
    err: Captured,
    limits: Limits,
    start: Instant,
    status: Option<ExitStatus>,
    stop: Option<Stop>,
    kill_at: Option<Instant>,
    killed: bool,
    exited_at: Option<Instant>,
    leaked: bool,
}

/// Makes a pipe end non-blocking, for a `poll` loop over it.
pub fn set_nonblocking(fd: impl AsFd) -> io::Result<()> {
    let flags = fcntl_getfl(&fd)?;
    fcntl_setfl(&fd, flags | OFlags::NONBLOCK)?;
    Ok(())
}

impl<'a> StepProcess<'a> {
    fn new(
        child: &'a mut Child,
        group: Pid,
        step_id: &'a str,
        input: Vec<u8>,
        limits: Limits,
        start: Instant,
    ) -> io::Result<Self> {
        // Without a pidfd (kernels before 5.3) the loop falls back to
        // checking on the child every few milliseconds.
        let pidfd = pidfd_open(group, PidfdFlags::empty()).ok();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let stderr = child.stderr.take();
        for fd in [
            stdin.as_ref().map(|p| p.as_fd()),
            stdout.as_ref().map(|p| p.as_fd()),
            stderr.as_ref().map(|p| p.as_fd()),
        ]
        .into_iter()
        .flatten()
        {
            set_nonblocking(fd)?;
        }
        Ok(StepProcess {
            child,
            group,
            step_id,
            pidfd,
            stdin,
            input,
            written: 0,
            stdout,
            stderr,
            out: Captured::default(),
            err: Captured::default(),
            limits,
            start,
            status: None,
            stop: None,
            kill_at: None,
            killed: false,
            exited_at: None,
            leaked: false,
        })
    }

    fn drive(mut self, cancel: &Cancel) -> io::Result<StepOutput> {
        let deadline = self.start + self.limits.timeout;
        loop {
            if self.status.is_some() && self.stdout.is_none() && self.stderr.is_none() {
                break;
            }
            let now = Instant::now();
            let next = self.act(now, deadline, cancel);
            if self.status.is_some() && self.stdout.is_none() && self.stderr.is_none() {
                break;
            }
            self.wait_for_io(next.saturating_duration_since(now).min(TICK))?;
        }
        let status = self.status.expect("loop ends only after the child exited");
        let exit = match self.stop {
            Some(Stop::Timeout) => Exit::TimedOut,
            Some(Stop::Cancel) => Exit::Cancelled,
            None => match (
                status.code(),
                std::os::unix::process::ExitStatusExt::signal(&status),
            ) {
                (Some(code), _) => Exit::Code(code),
                (None, Some(signal)) => Exit::Signal(signal),
                (None, None) => Exit::Signal(0),
            },
        };
        Ok(StepOutput {
            exit,
            stdout: self.out,
            stderr: self.err,
            duration: self.exited_at.unwrap_or_else(Instant::now) - self.start,
            leaked: self.leaked,
        })
    }

    /// Applies timeouts, cancellation and the leak rule; returns when the
    /// next of them is due.
    fn act(&mut self, now: Instant, deadline: Instant, cancel: &Cancel) -> Instant {
        if self.exited_at.is_some() && self.limits.leftovers == Leftovers::Keep {
            return self.wait_for_holders(now, deadline, cancel);
        }
        if let Some(exited_at) = self.exited_at {
            // The main process is gone but a pipe is still open: something
            // it started in the background holds it.
            let leak_deadline = exited_at + LEAK_TIMEOUT;
            if now < leak_deadline {
                return leak_deadline;
            }
            if !self.leaked {
                self.leaked = true;
                // The group, and what left it carrying the step's id.
                self.signal(rustix::process::Signal::KILL);
                self.kill_escaped();
                return now + LEAK_TIMEOUT;
            }
            if now >= leak_deadline + LEAK_TIMEOUT {
                // It escaped the process group (setsid): stop reading.
                self.stdout = None;
                self.stderr = None;
            }
            return leak_deadline + LEAK_TIMEOUT;
        }
        if self.stop.is_none() {
            let stop = if cancel.is_cancelled() {
                Some((Stop::Cancel, CANCEL_GRACE))
            } else if now >= deadline {
                Some((Stop::Timeout, self.limits.grace))
            } else {
                None
            };
            match stop {
                Some((stop, grace)) => {
                    self.stop = Some(stop);
                    self.kill_at = Some(now + grace);
                    self.signal(rustix::process::Signal::TERM);
                }
                None => return deadline,
            }
        }
        // A second interrupt means now: no more grace for a TERM-ignoring step.
        let kill_at = if cancel.is_urgent() {
            now
        } else {
            self.kill_at.expect("set with stop")
        };
        if now >= kill_at && !self.killed {
            self.killed = true;
            self.signal(rustix::process::Signal::KILL);
        }
        if self.killed { now + TICK } else { kill_at }
    }

    /// The main process is gone and something it started holds the output
    /// open: wait for it to close, up to the timeout or cancellation, then
    /// kill what holds it and stop reading.
    fn wait_for_holders(&mut self, now: Instant, deadline: Instant, cancel: &Cancel) -> Instant {
        let stop = if cancel.is_cancelled() {
            Stop::Cancel
        } else if now >= deadline {
            Stop::Timeout
        } else {
            return deadline;
        };
        self.stop = Some(stop);
        self.signal(rustix::process::Signal::KILL);
        self.kill_escaped();
        self.stdout = None;
        self.stderr = None;
        now
    }

    /// Signals the step's whole process group. The group may already be
    /// gone, which is what we wanted anyway.
    fn signal(&mut self, signal: rustix::process::Signal) {
        let _ = rustix::process::kill_process_group(self.group, signal);
    }

    /// Kills what left the group (`setsid`) while holding the step's pipes.
    fn kill_escaped(&mut self) {
        descendants::kill_leftovers(self.group, self.step_id);
    }

    fn wait_for_io(&mut self, timeout: Duration) -> io::Result<()> {
        let timeout = if self.pidfd.is_none() && self.status.is_none() {
            timeout.min(Duration::from_millis(5))
        } else {
            timeout
        };
        let spec = Timespec {
            tv_sec: timeout.as_secs() as i64,
            tv_nsec: timeout.subsec_nanos() as i64,
        };
        let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(4);
        let mut roles: Vec<Role> = Vec::with_capacity(4);
        if let Some(stdin) = &self.stdin {
            fds.push(PollFd::new(stdin, PollFlags::OUT));
            roles.push(Role::Stdin);
        }
        if let Some(stdout) = &self.stdout {
            fds.push(PollFd::new(stdout, PollFlags::IN));
            roles.push(Role::Stdout);
        }
        if let Some(stderr) = &self.stderr {
            fds.push(PollFd::new(stderr, PollFlags::IN));
            roles.push(Role::Stderr);
        }
        if let (Some(pidfd), None) = (&self.pidfd, self.status) {
            fds.push(PollFd::new(pidfd, PollFlags::IN));
            roles.push(Role::Exit);
        }
        match poll(&mut fds, Some(&spec)) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Ok(()),
            Err(error) => return Err(error.into()),
        }
        let ready: Vec<Role> = fds
            .iter()
            .zip(&roles)
            .filter(|(fd, _)| !fd.revents().is_empty())
            .map(|(_, role)| *role)
            .collect();
        drop(fds);
        for role in ready {
            match role {
                Role::Stdin => self.feed_stdin(),
                Role::Stdout => {
                    if drain(&mut self.stdout, &mut self.out, self.limits.output_limit)? {
                        self.stdout = None;
                    }
                }
                Role::Stderr => {
                    if drain(&mut self.stderr, &mut self.err, self.limits.output_limit)? {
                        self.stderr = None;
                    }
                }
                Role::Exit => {}
            }
        }
        if self.status.is_none() {
            self.reap()?;
        }
        Ok(())
    }

    fn feed_stdin(&mut self) {
        let Some(stdin) = &mut self.stdin else { return };
        loop {
            if self.written == self.input.len() {
                self.stdin = None; // closing it is the script's end of file
                return;
            }
            match stdin.write(&self.input[self.written..]) {
                Ok(count) => self.written += count,
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return,
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                // The interpreter exited without reading all of its input.
                Err(_) => {
                    self.stdin = None;
                    return;
                }
            }
        }
    }

    fn reap(&mut self) -> io::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            self.status = Some(status);
            self.exited_at = Some(Instant::now());
            self.stdin = None;
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Role {
    Stdin,
    Stdout,
    Stderr,
    Exit,
}

/// Reads what is available; true at end of file.
fn drain(pipe: &mut Option<impl Read>, captured: &mut Captured, limit: usize) -> io::Result<bool> {
    let Some(pipe) = pipe else { return Ok(true) };
    with_read_buffer(|buffer| {
        loop {
            match pipe.read(buffer) {
                Ok(0) => return Ok(true),
                Ok(count) => captured.push(&buffer[..count], limit),
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => return Ok(false),
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    })
}

/// Lends the thread's 64 KiB read buffer (a pipe's capacity). A fresh
/// zeroed array per read was a third of a local run's instructions.
pub fn with_read_buffer<T>(read: impl FnOnce(&mut [u8]) -> T) -> T {
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 * 1024]);
    }
    BUFFER.with_borrow_mut(|buffer| read(buffer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str, timeout_ms: u64) -> StepOutput {
        let limits = Limits {
            timeout: Duration::from_millis(timeout_ms),
            grace: Duration::from_millis(500),
            output_limit: 1024,
            leftovers: Leftovers::Kill,
        };
        run_captured(
            Command::new("sh"),
            script.as_bytes().to_vec(),
            limits,
            &Cancel::new(),
        )
        .unwrap()
    }

    #[test]
    fn captures_exit_code_and_both_streams() {
        let output = sh("echo out; echo err >&2; exit 3", 5_000);
        assert_eq!(output.exit, Exit::Code(3));
        assert_eq!(output.stdout.bytes, b"out\n");
        assert_eq!(output.stderr.bytes, b"err\n");
        assert!(!output.leaked);
    }

    #[test]
    fn caps_output_and_counts_the_rest() {
        let output = sh("head -c 5000 /dev/zero", 5_000);
        assert_eq!(output.stdout.bytes.len(), 1024);
        assert_eq!(output.stdout.dropped, 5000 - 1024);
    }

    #[test]
    fn kills_the_whole_group_on_timeout() {
        let started = Instant::now();
        let output = sh("sleep 1000 & sleep 1000", 300);
        assert_eq!(output.exit, Exit::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn a_background_child_holding_stdout_does_not_hang() {
        let started = Instant::now();
        let output = sh("sleep 1000 & echo done; exit 0", 10_000);
        assert_eq!(output.exit, Exit::Code(0));
        assert!(output.leaked);
        assert_eq!(output.stdout.bytes, b"done\n");
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    /// Whether a process whose command line contains `marker` is running.
    fn running(marker: &str) -> bool {
        std::process::Command::new("pgrep")
            .args(["-f", marker])
            .output()
            .is_ok_and(|out| !out.stdout.is_empty())
    }

    #[test]
    fn nothing_a_step_starts_outlives_it() {
        descendants::become_subreaper().unwrap();
        for (script, marker) in [
            ("sleep 987611 >/dev/null 2>&1 &", "sleep 987611"),
            ("( sleep 987612 >/dev/null 2>&1 & )", "sleep 987612"),
            ("nohup sleep 987613 >/dev/null 2>&1 &", "sleep 987613"),
            ("setsid sleep 987614 >/dev/null 2>&1 &", "sleep 987614"),
            ("( setsid sleep 987615 & ) ; echo held", "sleep 987615"),
        ] {
            let output = sh(&format!("{script}\nsleep 0.2; exit 0"), 10_000);
            assert_eq!(output.exit, Exit::Code(0), "{script}");
            assert!(output.leaked, "{script}: the leftover is reported");
            assert!(!running(marker), "{script}: left running");
        }
        let clean = sh("sleep 0.01 & wait; echo done", 10_000);
        assert!(!clean.leaked, "a child the step waited for is no leak");
    }

    #[test]
    fn feeds_large_scripts_through_the_pipe() {
        let script = format!(
            "{}\necho end\n",
            ": ###########################\n".repeat(20_000)
        );
        let output = sh(&script, 10_000);
        assert_eq!(output.exit, Exit::Code(0));
        assert_eq!(output.stdout.bytes, b"end\n");
    }

    #[test]
    fn cancellation_stops_a_running_step() {
        let cancel = Cancel::new();
        cancel.cancel();
        let limits = Limits {
            timeout: Duration::from_secs(60),
            grace: Duration::from_secs(5),
            output_limit: 1024,
            leftovers: Leftovers::Kill,
        };
        let output =
            run_captured(Command::new("sh"), b"sleep 1000".to_vec(), limits, &cancel).unwrap();
        assert_eq!(output.exit, Exit::Cancelled);
    }

    #[test]
    fn a_missing_interpreter_is_a_target_error() {
        let limits = Limits {
            timeout: Duration::from_secs(1),
            grace: Duration::from_secs(1),
            output_limit: 16,
            leftovers: Leftovers::Kill,
        };
        let error = run_captured(
            Command::new("/nonexistent/sh"),
            Vec::new(),
            limits,
            &Cancel::new(),
        )
        .unwrap_err();
        assert!(
            matches!(&error, TargetError::Spawn { program, .. } if program == "/nonexistent/sh"),
            "{error:?}"
        );
    }
}
