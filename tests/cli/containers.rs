//! Helpers for the tests that need the real container engine and the
//! fixture images. They never skip: without a running engine they fail and
//! say how to get one (`ci/test` installs and starts dockerd and builds the
//! fixtures).

use std::process::Command;
use std::sync::{Mutex, MutexGuard, OnceLock};

use comply::gate::fixture::{self, Fixture};
use testcontainers::core::Mount;
use testcontainers::runners::SyncRunner;
use testcontainers::{Container, GenericImage, ImageExt};

/// Container-heavy tests run one at a time: with two cores, parallel gates
/// only make each other's timings meaningless.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn docker(args: &[&str]) -> String {
    let output = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    assert!(
        output.status.success(),
        "docker {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The fixtures, built once per test run (a no-op when their images exist).
pub fn fixtures() -> &'static [Fixture] {
    static FIXTURES: OnceLock<Vec<Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let engine = Command::new("docker").args(["info"]).output();
        assert!(
            engine.is_ok_and(|o| o.status.success()),
            "these tests need a running Docker engine: run ci/test, which installs docker.io and starts dockerd"
        );
        let status = Command::new(assert_cmd::cargo::cargo_bin("comply"))
            .args(["fixtures", "build"])
            .status()
            .expect("comply runs");
        assert!(status.success(), "`comply fixtures build` failed");
        fixture::all(None).expect("the embedded fixtures load").into_values().collect()
    })
}

pub fn fixture(name: &str) -> &'static Fixture {
    fixtures()
        .iter()
        .find(|f| f.def.name == name)
        .expect("a known fixture")
}

/// Containers (running or not) that a gate labelled.
pub fn gate_containers() -> Vec<String> {
    docker(&["ps", "--all", "--quiet", "--filter", "label=comply.gate"])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A running, ready fixture container managed by testcontainers (removed
/// when dropped), named `name`, on the fixture's own network (none).
pub fn start_fixture(name: &str, container_name: &str) -> Container<GenericImage> {
    start_fixture_on(name, container_name, &fixture(name).def.run.network)
}

/// The same on a given network (`bridge` to reach its sshd).
pub fn start_fixture_on(
    name: &str,
    container_name: &str,
    network: &str,
) -> Container<GenericImage> {
    let fixture = fixture(name);
    let (repository, tag) = fixture.image.split_once(':').expect("tagged");
    let mut request = GenericImage::new(repository, tag)
        .with_container_name(container_name)
        .with_network(network);
    for cap in &fixture.def.run.cap_add {
        request = request.with_cap_add(cap.clone());
    }
    for tmpfs in &fixture.def.run.tmpfs {
        request = request.with_mount(Mount::tmpfs_mount(tmpfs.clone()));
    }
    for volume in &fixture.def.run.volumes {
        let (host, inside) = volume.split_once(':').expect("host:container");
        request = request.with_mount(Mount::bind_mount(host, inside));
    }
    let container = request.start().expect("the fixture container starts");
    let ready = Command::new("docker")
        .args([
            "exec",
            container.id(),
            "sh",
            "-c",
            &fixture.def.ready.script,
        ])
        .output()
        .unwrap();
    assert!(
        ready.status.success(),
        "fixture not ready: {}",
        String::from_utf8_lossy(&ready.stdout)
    );
    container
}

/// Removes a container started by hand (`docker run`) however the test ends.
pub struct Removal(pub String);

impl Drop for Removal {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rm", "--force", &self.0])
            .output();
    }
}
