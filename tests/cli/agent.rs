//! The in-target agent (`comply agent`), driven through comply's own agent
//! client on this machine: every step must come out exactly as the `local`
//! target runs it — but for what it leaves in the background, which
//! survives as it does a step run by `docker exec` or ssh — cancellation
//! must reach it, a lost agent must never look like a verdict nor get the
//! step run twice, and an agent that died while idle (as in a container
//! restart) must cost nothing but a new connection.

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use comply::cancel::Cancel;
use comply::target::agent::{AgentPool, Reuse};
use comply::target::local::Local;
use comply::target::{Exit, StepOutput, StepRequest, StepResult, Target, TargetError};

fn agents_reused(reuse: Reuse) -> AgentPool {
    AgentPool::new(
        Box::new(|_: &Cancel| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_comply"));
            command.arg("agent");
            Ok(command)
        }),
        reuse,
    )
}

fn agents() -> AgentPool {
    agents_reused(Reuse::Always)
}

/// A fresh step id, as the docker and ssh targets make one per step.
fn id() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "test-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

fn run(pool: &AgentPool, request: &StepRequest<'_>, cancel: &Cancel) -> Option<StepResult> {
    pool.run_step(request, &id(), cancel)
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
        "printf '%s' \"$COMPLY_INPUT_DAYS|$COMPLY_STEP\"; [ -n \"$COMPLY_STEP_ID\" ]",
        "head -c 5000 /dev/zero | tr '\\0' x; head -c 3000 /dev/zero | tr '\\0' y >&2",
        "printf 'bytes \\377\\000 end'",
        "pwd; read line || echo 'stdin is empty'",
        "kill -TERM $$",
        "sleep 0.05 & wait; echo waited",
        "#!/usr/bin/env python3\nimport sys\nprint('python', sys.stdin.read() == '')\n",
        "#!/bin/bash -e\nfalse\necho unreachable\n",
        "#!/nonexistent/interpreter\nexit 0\n",
    ];
    for script in scripts {
        let local = Local.run_step(&request(script, 10, 4096), &cancel);
        let agent = run(&pool, &request(script, 10, 4096), &cancel).expect("the agent starts");
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
    let seen = run(&pool, &request("echo out; exit 1", 10, 4096), &cancel)
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
    let output = run(
        &pool,
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
    let output = run(
        &pool,
        &request("trap '' TERM; sleep 987641", 60, 4096),
        &cancel,
    )
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
    let first = run(&pool, &request("echo $PPID", 10, 4096), &cancel)
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
    let second = run(&pool, &request(&script, 10, 4096), &cancel)
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
    let result = run(
        &pool,
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
    let pool = AgentPool::new(
        Box::new(|_: &Cancel| {
            let mut command = Command::new("sh");
            command.args(["-c", "echo 'exec format error: agent-1234' >&2; exit 126"]);
            Ok(command)
        }),
        Reuse::Always,
    );
    assert!(run(&pool, &request("exit 0", 10, 16), &Cancel::new()).is_none());
    let why = pool.unavailable().expect("a reason");
    assert!(why.contains("exec format error: agent-1234"), "{why}");
    // Decided once: the next step is not tried through it either.
    assert!(run(&pool, &request("exit 0", 10, 16), &Cancel::new()).is_none());

    let refused = AgentPool::new(
        Box::new(|_: &Cancel| Err("no writable place".to_owned())),
        Reuse::Always,
    );
    assert!(run(&refused, &request("exit 0", 10, 16), &Cancel::new()).is_none());
    assert_eq!(refused.unavailable().as_deref(), Some("no writable place"));
}

/// What a step leaves running in the background survives it, as it does a
/// step run by `docker exec` or ssh (a daemon a remediation starts on a
/// host without systemd); what a timed-out step leaves is killed (above).
#[test]
fn what_a_step_leaves_in_the_background_survives_it() {
    let pool = agents();
    let cancel = Cancel::new();
    let output = run(
        &pool,
        &request("nohup sleep 987651 >/dev/null 2>&1 & exit 0", 10, 4096),
        &cancel,
    )
    .unwrap()
    .unwrap();
    assert_eq!((output.exit, output.leaked), (Exit::Code(0), false));
    let check = run(
        &pool,
        &request("pgrep -f 'sleep 98765[1]'", 10, 4096),
        &cancel,
    )
    .unwrap()
    .unwrap();
    let _ = Command::new("pkill")
        .args(["-f", "sleep 98765[1]"])
        .status();
    assert_eq!(check.exit, Exit::Code(0), "the daemon was killed");
}

/// A connection that ends after the step was written may have run it —
/// the `Started` frame may be what was lost: the step is an error, never
/// sent again, and the target does not fall back to running it its old way.
#[test]
fn a_step_written_to_a_connection_that_then_ends_is_never_sent_again() {
    let launches = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&launches);
    // Says a correct hello, reads part of the step, and exits.
    let version = env!("CARGO_PKG_VERSION");
    let hello = format!(
        "printf '\\000\\000\\000\\{:03o}H\\000\\000\\000\\001{version}'; head -c 8 >/dev/null",
        5 + version.len()
    );
    let pool = AgentPool::new(
        Box::new(move |_: &Cancel| {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut command = Command::new("sh");
            command.args(["-c", &hello]);
            Ok(command)
        }),
        Reuse::Always,
    );
    let result = run(&pool, &request("exit 0", 10, 16), &Cancel::new());
    match result {
        Some(Err(TargetError::LostTrack { reason, .. })) => {
            assert!(reason.contains("stopped during the step"), "{reason}")
        }
        other => panic!("a step that may have run must be an error: {other:?}"),
    }
    assert_eq!(launches.load(Ordering::SeqCst), 1, "sent once");
    assert_eq!(pool.unavailable(), None, "and not given to the old way");
}

/// Over ssh, a session's limits, umask and environment come from PAM when
/// it opens: after a remediation the next step gets a new agent, as it
/// would get a new session; through `docker exec` the agent is kept.
#[test]
fn an_agent_is_not_reused_after_a_change_where_sessions_matter() {
    let step = |role: &str| StepRequest {
        script: "echo $PPID",
        env: vec![("COMPLY_STEP".to_owned(), role.to_owned())],
        timeout: Duration::from_secs(10),
        output_limit: 64,
    };
    for (reuse, same) in [(Reuse::NotAfterChange, false), (Reuse::Always, true)] {
        let pool = agents_reused(reuse);
        let cancel = Cancel::new();
        let agent = |role: &str| {
            run(&pool, &step(role), &cancel)
                .unwrap()
                .unwrap()
                .stdout
                .bytes
        };
        let probe = agent("probe");
        assert_eq!(agent("probe"), probe, "{reuse:?}: a probe keeps its agent");
        let remediation = agent("remediate");
        assert_eq!(remediation, probe, "{reuse:?}");
        assert_eq!(agent("verify") == remediation, same, "{reuse:?}");
    }
}
