//! What a step leaves behind. A probe may start processes that outlive it:
//! `sleep &` stays in the step's process group, `( sleep & )` and `nohup`
//! are orphaned, and `setsid` leaves the group altogether. None of them may
//! outlive the step.
//!
//! comply makes itself a child subreaper (`PR_SET_CHILD_SUBREAPER`), so an
//! orphaned descendant of a step becomes comply's child instead of init's,
//! and every step process carries a token in its environment
//! ([`STEP_ID_VAR`]) that its descendants inherit. When a step ends, its
//! process group and every child of comply that carries its token are
//! killed and reaped, and the step is reported as having leaked processes.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, WaitOptions};

/// The environment variable that names a step: on this machine for its
/// processes' descendants, and on the far side of docker and ssh targets.
pub const STEP_ID_VAR: &str = "COMPLY_STEP_ID";

/// A step id unique across comply processes and steps.
pub fn new_step_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "comply-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// Makes orphaned descendants of steps comply's children rather than
/// init's, so they can be found and stopped.
pub fn become_subreaper() -> std::io::Result<()> {
    rustix::process::set_child_subreaper(Some(rustix::process::getpid()))?;
    Ok(())
}

/// Kills and reaps what is left of a step: the process group `group` and
/// every child of comply whose environment carries `step_id`. Returns
/// whether anything was left.
pub fn kill_leftovers(group: Pid, step_id: &str) -> bool {
    let mut found = false;
    if rustix::process::test_kill_process_group(group).is_ok() {
        found = true;
        let _ = rustix::process::kill_process_group(group, Signal::KILL);
    }
    let needle = format!("{STEP_ID_VAR}={step_id}");
    let orphans: Vec<Pid> = children()
        .into_iter()
        .filter(|pid| carries(*pid, needle.as_bytes()))
        .collect();
    for pid in &orphans {
        found = true;
        let _ = rustix::process::kill_process(*pid, Signal::KILL);
    }
    if found {
        reap(group, &orphans);
    }
    found
}

/// Reaps every exited child nobody else waits for, at the end of a run:
/// orphans of steps that exited on their own become comply's zombies.
pub fn reap_exited() {
    while let Ok(Some(_)) = rustix::process::wait(WaitOptions::NOHANG) {}
}

/// How long killed leftovers may take to become reapable.
const REAP_WAIT: Duration = Duration::from_millis(200);

/// Reaps the killed processes that are comply's children (a subreaper's
/// orphans). SIGKILL is prompt, but a process in uninterruptible sleep may
/// take a moment; what is not reaped here is reaped at the end of the run.
fn reap(group: Pid, orphans: &[Pid]) {
    let until = Instant::now() + REAP_WAIT;
    let mut pending: Vec<Pid> = orphans.to_vec();
    loop {
        while let Ok(Some(_)) = rustix::process::waitpgid(group, WaitOptions::NOHANG) {}
        pending.retain(|pid| {
            !matches!(
                rustix::process::waitpid(Some(*pid), WaitOptions::NOHANG),
                Ok(Some(_)) | Err(_)
            )
        });
        let group_gone = rustix::process::test_kill_process_group(group).is_err();
        if (pending.is_empty() && group_gone) || Instant::now() >= until {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// comply's children: its threads' `children` files list them, orphans
/// that came to it as a subreaper included.
fn children() -> Vec<Pid> {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Vec::new();
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("children")).ok())
        .flat_map(|list| {
            list.split_whitespace()
                .filter_map(|pid| pid.parse().ok())
                .filter_map(Pid::from_raw)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Whether the process's environment holds the entry `needle`.
fn carries(pid: Pid, needle: &[u8]) -> bool {
    std::fs::read(format!("/proc/{}/environ", pid.as_raw_nonzero())).is_ok_and(|environ| {
        environ
            .split(|byte| *byte == 0)
            .any(|entry| entry == needle)
    })
}
