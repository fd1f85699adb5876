//! The in-target agent (`comply agent`), driven through comply's own agent
//! client on this machine: every step must come out exactly as the `local`
//! target runs it, cancellation must reach it, a lost agent must never
//! look like a verdict, and an agent that dies while idle (as in a
//! container restart) must cost nothing but a new connection.

use std::process::Command;
use std::time::{Duration, Instant};

use comply::cancel::Cancel;
use comply::target::agent::AgentPool;
use comply::target::local::Local;
use comply::target::{Exit, StepOutput, StepRequest, Target, TargetError};

fn agents() -> AgentPool {
    AgentPool::new(Box::new(|| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_comply"));
        command.arg("agent");
        Ok(command)
    }))
}

fn request(script: &str, timeout_s: u64, output_limit: usize) -> StepRequest<'_> {
    StepRequest {
        script,
        env: vec![
            ("COMPLY_STEP".to_owned(), "probe".to_owned()),
            (
                "COMPLY_INPUT_DAYS".to_owned(),
                "90 days; $(rm -rf /)".to_owned(),
            ),
        ],
        timeout: Duration::from_secs(timeout_s),
        output_limit,
    }
}

/// What must agree between the two ways of running a step (not its
/// duration).
fn comparable(output: &StepOutput) -> (Exit, Vec<u8>, u64, Vec<u8>, u64, bool) {
    (
        output.exit,
        output.stdout.bytes.clone(),
        output.stdout.dropped,
        output.stderr.bytes.clone(),
        output.stderr.dropped,
        output.leaked,
    )
}

#[test]
fn steps_through_the_agent_come_out_as_local_steps_do() {
    // As `comply run` is: what a step leaves behind comes back to it.
    comply::target::descendants::become_subreaper().unwrap();
    let pool = agents();
    let cancel = Cancel::new();
    let scripts = [
        "exit 0",
        "echo out; echo err >&2; exit 1",
        "exit 7",
        "printf '%s' \"$COMPLY_INPUT_DAYS|$COMPLY_STEP|$COMPLY_STEP_ID_SET\"; [ -n \"$COMPLY_STEP_ID\" ]",
        "head -c 5000 /dev/zero | tr '\\0' x; head -c 3000 /dev/zero | tr '\\0' y >&2",
        "printf 'bytes \\377\\000 end'",
        "pwd; read line || echo 'stdin is empty'",
        "kill -TERM $$",
        "sleep 987621 >/dev/null 2>&1 & sleep 0.2; exit 0",
        "setsid sleep 987622 & sleep 0.2; echo done",
        "#!/usr/bin/env python3\nimport sys\nprint('python', sys.stdin.read() == '')\n",
        "#!/bin/bash -e\nfalse\necho unreachable\n",
        "#!/nonexistent/interpreter\nexit 0\n",
    ];
    for script in scripts {
        let local = Local.run_step(&request(script, 10, 4096), &cancel);
        let agent = pool
            .run_step(&request(script, 10, 4096), &cancel)
            .expect("the agent starts");
        match (&local, &agent) {
            (Ok(local), Ok(agent)) => {
                assert_eq!(comparable(agent), comparable(local), "{script}")
            }
            (Err(local), Err(agent)) => assert_eq!(agent, local, "{script}"),
            _ => panic!("{script}: local {local:?}, agent {agent:?}"),
        }
    }
    assert_eq!(pool.unavailable(), None);
    // The same assertions on a real difference would have failed: the
    // comparison sees what the scripts print.
    let seen = pool
        .run_step(&request("echo out; exit 1", 10, 4096), &cancel)
        .unwrap()
        .unwrap();
    assert_eq!(
        (seen.exit, seen.stdout.bytes),
        (Exit::Code(1), b"out\n".to_vec())
    );
}

#[test]
fn timeouts_kill_the_step_and_what_it_started() {
    let pool = agents();
    let started = Instant::now();
    let output = pool
        .run_step(
            &request("sleep 987631 & sleep 987632", 1, 4096),
            &Cancel::new(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(output.exit, Exit::TimedOut);
    assert!(started.elapsed() < Duration::from_secs(8));
    let left = Command::new("pgrep")
        .args(["-f", "sleep 98763[12]"])
        .output()
        .unwrap();
    assert!(left.stdout.is_empty(), "left running: {:?}", left.stdout);
}

#[test]
fn cancellation_reaches_the_running_step() {
    let pool = agents();
    let cancel = Cancel::new();
    let later = cancel.clone();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        later.cancel();
    });
    let started = Instant::now();
    let output = pool
        .run_step(&request("trap '' TERM; sleep 987641", 60, 4096), &cancel)
        .unwrap()
        .unwrap();
    assert_eq!(output.exit, Exit::Cancelled);
    // TERM is ignored: the agent's one-second grace, then SIGKILL.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let left = Command::new("pgrep")
        .args(["-f", "sleep 98764[1]"])
        .output()
        .unwrap();
    assert!(left.stdout.is_empty());
}

#[test]
fn an_agent_that_died_while_idle_is_replaced_and_the_step_runs_once() {
    let pool = agents();
    let cancel = Cancel::new();
    let first = pool
        .run_step(&request("echo $PPID", 10, 4096), &cancel)
        .unwrap()
        .unwrap();
    let agent_pid = String::from_utf8(first.stdout.bytes).unwrap();
    let status = Command::new("kill")
        .args(["-KILL", agent_pid.trim()])
        .status()
        .unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(100));
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let script = format!("echo once >> '{}'; echo $PPID", marker.display());
    let second = pool
        .run_step(&request(&script, 10, 4096), &cancel)
        .unwrap()
        .unwrap();
    assert_eq!(second.exit, Exit::Code(0));
    assert_ne!(
        String::from_utf8(second.stdout.bytes).unwrap(),
        agent_pid,
        "a new agent"
    );
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "once\n");
    assert_eq!(pool.unavailable(), None);
}

#[test]
fn an_agent_lost_during_a_step_is_an_error_not_a_verdict() {
    let pool = agents();
    let result = pool
        .run_step(
            &request("kill -KILL $PPID; sleep 1; exit 0", 10, 4096),
            &Cancel::new(),
        )
        .expect("the agent started");
    match result {
        Err(TargetError::LostTrack { program, reason }) => {
            assert_eq!(program, "comply agent");
            assert!(reason.contains("stopped during the step"), "{reason}");
        }
        other => panic!("a lost agent must not give a result: {other:?}"),
    }
}

#[test]
fn an_agent_that_cannot_start_says_why_and_runs_nothing() {
    let pool = AgentPool::new(Box::new(|| {
        let mut command = Command::new("sh");
        command.args(["-c", "echo 'exec format error: agent-1234' >&2; exit 126"]);
        Ok(command)
    }));
    assert!(
        pool.run_step(&request("exit 0", 10, 16), &Cancel::new())
            .is_none()
    );
    let why = pool.unavailable().expect("a reason");
    assert!(why.contains("exec format error: agent-1234"), "{why}");
    // Decided once: the next step is not tried through it either.
    assert!(
        pool.run_step(&request("exit 0", 10, 16), &Cancel::new())
            .is_none()
    );

    let refused = AgentPool::new(Box::new(|| Err("no writable place".to_owned())));
    assert!(
        refused
            .run_step(&request("exit 0", 10, 16), &Cancel::new())
            .is_none()
    );
    assert_eq!(refused.unavailable().as_deref(), Some("no writable place"));
}
