//! What a killed gate leaves behind — containers, machines, scratch
//! directories, half-built images — and how `comply fixtures prune` tells
//! them from what a gate still running uses.

use super::error::GateError;
use super::fixture::{Fixture, FixtureKind, images_dir};
use super::vm;
use crate::engine::{Engine, GATE_LABEL};
use std::path::PathBuf;

/// Whether something named `<pid>-…` (a scratch directory, a build, a
/// gate's container label) belongs to another comply process that is still
/// running. This process is not "another": what `prune` finds under its own
/// id was left by an earlier process that had the same id.
pub(super) fn owner_alive(name: &str) -> bool {
    let owner = name.split('-').next().unwrap_or_default();
    !owner.is_empty()
        && owner.bytes().all(|b| b.is_ascii_digit())
        && owner != std::process::id().to_string()
        && std::path::Path::new("/proc").join(owner).exists()
}

/// Removes every container and machine a gate left behind (a killed run
/// cannot clean up after itself), leaving those of gates still running, and
/// VM images no fixture uses any more; returns how many containers and
/// machines there were.
pub fn prune(engine: &Engine, fixtures: &[Fixture]) -> Result<(usize, usize), GateError> {
    let mut containers = 0;
    for (id, run_id) in engine.containers_labelled(GATE_LABEL)? {
        if owner_alive(&run_id) {
            continue;
        }
        engine.remove(&id)?;
        containers += 1;
    }
    let images: Vec<std::path::PathBuf> = fixtures
        .iter()
        .filter(|fixture| fixture.def.kind == FixtureKind::Vm)
        .map(|fixture| std::path::PathBuf::from(&fixture.image))
        .collect();
    Ok((containers, prune_machines(&images)))
}

/// Kills machines and removes scratch directories left by comply runs that
/// are gone (a killed gate cannot clean up), the half-built images of
/// killed builds, and images of VM fixtures whose definition changed;
/// returns how many machines were removed.
fn prune_machines(current_images: &[PathBuf]) -> usize {
    let mut removed = 0;
    for entry in std::fs::read_dir(vm::runs_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        // Scratch directories are named `<comply pid>-<n>-…`.
        if owner_alive(&entry.file_name().to_string_lossy()) {
            continue;
        }
        if let Ok(pid) = std::fs::read_to_string(entry.path().join("qemu.pid"))
            && let Ok(pid) = pid.trim().parse::<i32>()
            && let Some(pid) = rustix::process::Pid::from_raw(pid)
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
        }
        if std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    for entry in std::fs::read_dir(images_dir())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let stale = match name.strip_prefix(".building-") {
            Some(build) => !owner_alive(build),
            None => !current_images.contains(&entry.path()),
        };
        if stale {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::owner_alive;

    #[test]
    fn only_another_live_process_owns_what_prune_finds() {
        // PID 1 always runs; this process's own id is an earlier run's.
        assert!(owner_alive("1-3-abc"));
        assert!(!owner_alive(&format!("{}-0-abc", std::process::id())));
        assert!(!owner_alive("x1-0"));
        assert!(!owner_alive("-0"));
        assert!(!owner_alive(&format!("{}-0", u32::MAX)));
    }
}
