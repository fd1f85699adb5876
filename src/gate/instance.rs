//! A fixture started for one case: a fresh container or a resumed machine.
//! It says where the case's steps run, restarts, reports its state for
//! change tracking, and is torn down when dropped, however the case ends.

use super::GateAgent;
use super::changes::{Files, Manifest, Tracker};
use super::error::GateError;
use super::fixture::{Fixture, FixtureKind};
use super::vm;
use crate::cancel::Cancel;
use crate::engine::{Engine, FIXTURE_LABEL, GATE_LABEL};
use crate::target::Target;
use crate::target::agent::{FIXTURE_PATH, Placement};
use crate::target::docker::Docker;
use crate::target::ssh::Ssh;

pub trait Instance {
    fn target(&self) -> &dyn Target;
    /// Restarts it (a container restart, a VM's power cycle); readiness
    /// is checked by the caller.
    fn restart(&self, cancel: &Cancel) -> Result<(), GateError>;
    fn manifest(&self) -> Result<Manifest, GateError>;
}

/// Starts a fresh instance of the fixture; `run_id` labels its container
/// so `comply fixtures prune` can tell this run's from a dead run's.
pub fn start<'a>(
    fixture: &'a Fixture,
    engine: &'a Engine,
    run_id: &str,
    agent: &GateAgent,
    cancel: &Cancel,
) -> Result<Box<dyn Instance + 'a>, GateError> {
    match fixture.def.kind {
        FixtureKind::Container => {
            let (binary, placement) = match agent {
                GateAgent::Off => (None, Placement::Off),
                GateAgent::Bind(binary) => (
                    Some(binary.as_str()),
                    Placement::At(FIXTURE_PATH.to_owned()),
                ),
                GateAgent::Unavailable(why) => (None, Placement::Unavailable(why.clone())),
            };
            let guard = start_container(fixture, engine, run_id, binary)?;
            Ok(Box::new(ContainerInstance {
                tracker: Tracker::new(
                    Docker::new(engine.clone(), &guard.id, placement),
                    Files::for_container(engine, &guard.id),
                    fixture,
                ),
                stop_timeout_s: fixture.def.run.stop_timeout_s,
                guard,
            }))
        }
        FixtureKind::Vm => {
            let (vm, ssh) = vm::resume(fixture, cancel)?;
            Ok(Box::new(VmInstance {
                tracker: Tracker::new(
                    ssh,
                    Files::Roots(fixture.def.changes.roots.clone()),
                    fixture,
                ),
                vm,
            }))
        }
    }
}

/// Starts the fixture's container; `agent` is comply's binary, bound
/// read-only at [`FIXTURE_PATH`] so that steps can go through an agent.
fn start_container<'a>(
    fixture: &Fixture,
    engine: &'a Engine,
    run_id: &str,
    agent: Option<&str>,
) -> Result<ContainerGuard<'a>, GateError> {
    let run = &fixture.def.run;
    let mut args = vec![
        "--label".to_owned(),
        format!("{GATE_LABEL}={run_id}"),
        "--label".to_owned(),
        format!("{FIXTURE_LABEL}={}", fixture.def.name),
        "--network".to_owned(),
        run.network.clone(),
        "--stop-timeout".to_owned(),
        run.stop_timeout_s.to_string(),
    ];
    for cap in &run.cap_add {
        args.extend(["--cap-add".to_owned(), cap.clone()]);
    }
    for tmpfs in &run.tmpfs {
        args.extend(["--tmpfs".to_owned(), tmpfs.clone()]);
    }
    for volume in &run.volumes {
        args.extend(["--volume".to_owned(), volume.clone()]);
    }
    if let Some(binary) = agent {
        args.extend([
            "--mount".to_owned(),
            format!("type=bind,source={binary},target={FIXTURE_PATH},readonly"),
        ]);
    }
    if let Some(signal) = &run.stop_signal {
        args.extend(["--stop-signal".to_owned(), signal.clone()]);
    }
    args.extend(["--".to_owned(), fixture.image.clone()]);
    let id = engine.run_detached(&args).map_err(|error| {
        GateError::Fixture(format!("the fixture container would not start: {error}"))
    })?;
    Ok(ContainerGuard { engine, id })
}

/// Removes the container when the case ends, however it ends.
struct ContainerGuard<'a> {
    engine: &'a Engine,
    id: String,
}

impl Drop for ContainerGuard<'_> {
    fn drop(&mut self) {
        let _ = self.engine.remove(&self.id);
    }
}

/// A container: the tracker owns its docker target, which the steps use
/// too.
struct ContainerInstance<'a> {
    tracker: Tracker<Docker>,
    stop_timeout_s: u64,
    // Last: the container goes after everything that talks to it.
    guard: ContainerGuard<'a>,
}

impl Instance for ContainerInstance<'_> {
    fn target(&self) -> &dyn Target {
        self.tracker.shell()
    }

    fn restart(&self, _cancel: &Cancel) -> Result<(), GateError> {
        self.tracker.shell().close_agents();
        Ok(self
            .guard
            .engine
            .restart(&self.guard.id, self.stop_timeout_s)?)
    }

    fn manifest(&self) -> Result<Manifest, GateError> {
        self.tracker.manifest()
    }
}

/// A VM: the tracker owns the machine's ssh target, which the steps use too.
struct VmInstance {
    tracker: Tracker<Ssh>,
    vm: vm::Vm,
}

impl Instance for VmInstance {
    fn target(&self) -> &dyn Target {
        self.tracker.shell()
    }

    fn restart(&self, cancel: &Cancel) -> Result<(), GateError> {
        self.vm.power_cycle(self.tracker.shell(), cancel)
    }

    fn manifest(&self) -> Result<Manifest, GateError> {
        self.tracker.manifest()
    }
}
