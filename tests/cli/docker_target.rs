//! `comply run --target docker:CONTAINER` against real fixture containers
//! started with testcontainers, each test through the in-target agent and
//! through a `docker exec` per step (`--no-agent`): the outcomes must be
//! the same.

use std::time::{Duration, Instant};

use rstest::rstest;

use crate::containers::{docker, serial, start_fixture};
use crate::support::Workspace;

fn unique(name: &str) -> String {
    format!("comply-test-{name}-{}", std::process::id())
}

/// How steps reach the container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Agent,
    Exec,
}

impl Via {
    pub fn args(self) -> &'static [&'static str] {
        match self {
            Via::Agent => &[],
            Via::Exec => &["--no-agent"],
        }
    }

    /// The name of a step's parent process: the agent (`agent-HASH`), or
    /// the `timeout` a `docker exec` or ssh session runs the step under.
    pub fn parent(self) -> &'static str {
        match self {
            Via::Agent => "agent-",
            Via::Exec => "timeout",
        }
    }
}

#[rstest]
fn steps_run_inside_the_container_and_timeouts_kill_inside(
    #[values(Via::Agent, Via::Exec)] via: Via,
) {
    let _serial = serial();
    let name = format!("{}.example", unique("target"));
    let container = start_fixture("debian12-systemd", &name);
    let ws = Workspace::new();
    ws.runbook("D-OK")
        .probe("test -f /etc/debian_version && [ \"$COMPLY_PLATFORM\" = debian ]\n")
        .create();
    ws.runbook("D-DRIFT")
        .probe("echo \"host $(hostname)\"; exit 1\n")
        .create();
    ws.runbook("D-HANG")
        .probe("sleep 987654 & sleep 987655\n")
        .create();
    ws.runbook("D-VIA")
        .probe("cat /proc/$PPID/comm; exit 1\n")
        .create();
    let started = Instant::now();
    ws.run()
        .args(["--target", &format!("docker:{name}"), "--timeout", "2"])
        .args(via.args())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1);
    assert!(started.elapsed() < Duration::from_secs(20));
    let junit = ws.junit();
    assert_eq!(junit.case("D-OK").outcome(), "compliant");
    assert_eq!(junit.case("D-DRIFT").outcome(), "non-compliant");
    assert_eq!(junit.case("D-HANG").outcome(), "timeout");
    let through = &junit.case("D-VIA").system_out;
    assert!(through.contains(via.parent()), "{via:?}: {through}");
    let json = ws.json();
    assert!(
        json["targets"][0]["cases"]
            .as_array()
            .unwrap()
            .iter()
            .all(|case| case.get("notes").is_none_or(|notes| notes.is_null())),
        "no fallback note: {json}"
    );
    let suite = &junit.suites[0];
    assert_eq!(suite.properties["comply.target"], format!("docker:{name}"));
    assert_eq!(suite.properties["comply.platform"], "debian");
    // Dots of the target become dashes in the classname.
    assert_eq!(
        junit.case("D-OK").classname,
        format!("docker:{}.technical", name.replace('.', "-"))
    );
    // Nothing of the timed-out step survives inside the container.
    let left = docker(&[
        "exec",
        container.id(),
        "sh",
        "-c",
        "pgrep -f 'sleep 9876[5]' || true",
    ]);
    assert!(left.trim().is_empty(), "left running inside: {left}");
}

#[rstest]
fn healing_inside_a_nixos_like_container(#[values(Via::Agent, Via::Exec)] via: Via) {
    let _serial = serial();
    let name = unique("nixos");
    let container = start_fixture("nixos-like", &name);
    // Break it first, the way the gate's scenario does, so the NixOS
    // remediation has something to heal.
    let scenario = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/runbooks/LIN-LOG-001/scenarios/nixos-volatile.broken.sh"
    );
    let script = std::fs::read_to_string(scenario).unwrap();
    docker(&["exec", container.id(), "sh", "-c", &script]);
    let ws = Workspace::new();
    let run = |extra: &[&str]| {
        let output = ws
            .comply()
            .args([
                "run",
                "--target",
                &format!("docker:{name}"),
                "--only",
                "LIN-LOG-001",
                "--junit",
                "report.xml",
                "--json",
                "report.json",
            ])
            .args(via.args())
            .args(extra)
            .assert()
            .get_output()
            .clone();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let before = run(&[]);
    assert_eq!(
        ws.junit().case("LIN-LOG-001").outcome(),
        "non-compliant",
        "{before}"
    );

    let healing = run(&["--remediate"]);
    let junit = ws.junit();
    assert_eq!(
        junit.suites[0].properties["comply.platform"], "nixos",
        "detected inside the container"
    );
    assert_eq!(junit.case("LIN-LOG-001").outcome(), "healed", "{healing}");
    let json = ws.json();
    let steps = json["targets"][0]["cases"][0]["steps"].as_array().unwrap();
    let remediate = steps.iter().find(|s| s["step"] == "remediate").unwrap();
    assert_eq!(
        remediate["variant"], "default",
        "LIN-LOG-001 heals NixOS through journald.conf.d"
    );

    let after = run(&[]);
    assert_eq!(
        ws.junit().case("LIN-LOG-001").outcome(),
        "compliant",
        "{after}"
    );
}

#[rstest]
fn a_missing_or_stopped_container_is_a_target_error(#[values(Via::Agent, Via::Exec)] via: Via) {
    let _serial = serial();
    let ws = Workspace::new();
    ws.runbook("D-ANY").probe("exit 0\n").create();
    let missing = unique("missing");
    let output = ws
        .run()
        .args(["--target", &format!("docker:{missing}")])
        .args(via.args())
        .assert()
        .code(3)
        .get_output()
        .clone();
    let junit = ws.junit();
    let case = junit.case("D-ANY");
    assert_eq!(case.outcome(), "target-error");
    assert!(
        case.message
            .as_deref()
            .unwrap()
            .contains(&format!("container `{missing}` does not exist"))
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("TARGET-ERROR"));

    let stopped = unique("stopped");
    let container = start_fixture("debian12-systemd", &stopped);
    docker(&["stop", "--time", "1", container.id()]);
    ws.run()
        .args(["--target", &format!("docker:{stopped}")])
        .args(via.args())
        .assert()
        .code(3);
    let message = ws.junit().case("D-ANY").message.clone().unwrap();
    assert!(
        message.contains(&format!("container `{stopped}` is not running")),
        "{message}"
    );
}

#[rstest]
fn a_script_exiting_like_the_engine_is_still_the_scripts_verdict(
    #[values(Via::Agent, Via::Exec)] via: Via,
) {
    let _serial = serial();
    let name = unique("codes");
    let _container = start_fixture("debian12-systemd", &name);
    let ws = Workspace::new();
    ws.runbook("D-127").probe("no-such-command-here\n").create();
    ws.run()
        .args(["--target", &format!("docker:{name}")])
        .args(via.args())
        .assert()
        .code(3);
    let case = ws.junit().case("D-127").clone();
    assert_eq!(
        case.outcome(),
        "probe-error",
        "exit 127 of the script, not an engine failure"
    );
    assert!(case.system_out.contains("exit 127"));
}

/// An agent that cannot start — comply's copy would land on a `noexec`
/// mount — leaves the steps to `docker exec`, with the same verdicts, and
/// every case that ran steps says so.
#[test]
fn an_agent_that_cannot_start_falls_back_to_exec_and_says_so() {
    let _serial = serial();
    let name = unique("noexec");
    let image = &crate::containers::fixture("debian12-systemd").image;
    docker(&[
        "run",
        "--detach",
        "--name",
        &name,
        "--tmpfs",
        "/root:rw,noexec",
        "--",
        image,
        "sleep",
        "infinity",
    ]);
    let _remove = crate::containers::Removal(name.clone());
    let ws = Workspace::new();
    ws.runbook("D-OK").probe("exit 0\n").create();
    ws.runbook("D-VIA")
        .probe("cat /proc/$PPID/comm; exit 1\n")
        .create();
    let output = ws
        .run()
        .args(["--target", &format!("docker:{name}")])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let junit = ws.junit();
    assert_eq!(junit.case("D-OK").outcome(), "compliant");
    assert_eq!(junit.case("D-VIA").outcome(), "non-compliant");
    assert!(
        junit.case("D-VIA").system_out.contains(Via::Exec.parent()),
        "{}",
        junit.case("D-VIA").system_out
    );
    let json = ws.json();
    for case in json["targets"][0]["cases"].as_array().unwrap() {
        let notes = case["notes"].to_string();
        assert!(
            notes.contains(
                "steps ran through a `docker exec` each: the comply agent could not start"
            ) && notes.to_lowercase().contains("permission denied"),
            "{notes}"
        );
    }
    // Said once on the console, not once per case.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.matches("the comply agent could not start").count(),
        1,
        "{stderr}"
    );
}

/// A daemon a step starts in the background (as an init script does on a
/// host without systemd) outlives the step on both paths, so the next
/// step sees it running.
#[rstest]
fn what_a_step_starts_in_the_background_outlives_it(#[values(Via::Agent, Via::Exec)] via: Via) {
    let _serial = serial();
    let name = unique("daemon");
    let container = start_fixture("debian12-systemd", &name);
    let ws = Workspace::new();
    ws.runbook("D-A-START")
        .probe("nohup sleep 987661 >/dev/null 2>&1 &\nexit 0\n")
        .create();
    ws.runbook("D-B-CHECK")
        .probe("pgrep -f 'sleep 98766[1]'\n")
        .create();
    ws.run()
        .args(["--target", &format!("docker:{name}"), "--jobs", "1"])
        .args(via.args())
        .assert()
        .code(0);
    let junit = ws.junit();
    assert_eq!(junit.case("D-A-START").outcome(), "compliant");
    assert_eq!(
        junit.case("D-B-CHECK").outcome(),
        "compliant",
        "{via:?}: {}",
        junit.case("D-B-CHECK").system_out
    );
    docker(&["exec", container.id(), "pkill", "-f", "sleep 98766[1]"]);
}
