//! `comply gate` against the real engine and fixtures: the embedded suite
//! is green, each deliberately broken runbook of `tests/corpus` gets
//! exactly its outcome, and no container outlives a gate — finished,
//! interrupted or killed.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use rstest::rstest;

use crate::containers::{fixtures, gate_containers, serial};
use crate::docker_target::Via;
use crate::support::{Junit, Workspace, browser_dom, browser_screenshot, validate_with_xsd};
use comply::gate::fixture::FixtureKind;

fn corpus() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/runbooks")
        .display()
        .to_string()
}

/// Through the agent bound into each fixture and through a `docker exec`
/// per step, the corpus's outcomes are the same.
#[rstest]
fn each_broken_runbook_gets_exactly_its_outcome(#[values(Via::Agent, Via::Exec)] via: Via) {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    let before = gate_containers();
    ws.comply()
        .args([
            "gate",
            "--runbooks",
            &corpus(),
            "--junit",
            "gate.xml",
            "--json",
            "gate.json",
        ])
        .args(via.args())
        .timeout(Duration::from_secs(600))
        .assert()
        .code(1);
    let junit = Junit::parse(&ws.read("gate.xml"));
    let expected: BTreeMap<(String, String), String> = [
        ("BAD-ALARM-001", "defaults.compliant", "false-alarm"),
        ("BAD-APPEND-001", "missing.broken", "not-idempotent"),
        ("BAD-EMPTY-001", "disabled.broken", "empty-runbook"),
        ("BAD-FAILS-001", "stopped.broken", "remediation-failed"),
        ("BAD-FIXTURE-001", "broken.broken", "fixture-error"),
        ("BAD-NOOP-001", "stopped.broken", "noop-runbook"),
        ("BAD-NOTHEALED-001", "volatile.broken", "not-healed"),
        ("BAD-PROBE-001", "any.broken", "probe-error"),
        ("BAD-SED-001", "nixos-volatile.broken", "not-persistent"),
        ("BAD-START-001", "stopped.broken", "not-persistent"),
        ("BAD-UNTESTED-001", "no broken scenario", "untested"),
        ("BAD-UNTESTED-001", "running.compliant", "compliant"),
        ("BAD-VACUOUS-001", "passwords.broken", "vacuous-probe"),
    ]
    .into_iter()
    .map(|(runbook, scenario, outcome)| {
        (
            (runbook.to_owned(), scenario.to_owned()),
            outcome.to_owned(),
        )
    })
    .collect();
    assert_eq!(junit.gate_outcomes(), expected);
    // The agent ran the steps: no case fell back to `docker exec`.
    assert!(
        !ws.read("gate.json").contains("could not start"),
        "{}",
        ws.read("gate.json")
    );

    let sed = junit
        .cases()
        .find(|c| c.runbook() == "BAD-SED-001")
        .unwrap();
    assert_eq!(sed.properties["comply.fixture"], "nixos-like");
    assert_eq!(sed.classname, "nixos-like.technical");
    assert!(
        sed.system_out
            .contains("the remediation changed: added or changed /etc/systemd/journald.conf")
    );
    assert!(sed.system_out.contains("== restart [fixture]"));
    let append = junit
        .cases()
        .find(|c| c.runbook() == "BAD-APPEND-001")
        .unwrap();
    assert!(
        append
            .message
            .as_deref()
            .unwrap()
            .contains("changed /etc/systemd/journald.conf.d/90-append.conf (content)")
    );

    let pairs: HashSet<(&str, &str)> = junit
        .cases()
        .map(|c| (c.classname.as_str(), c.name.as_str()))
        .collect();
    assert_eq!(
        pairs.len(),
        junit.cases().count(),
        "(classname, name) is unique"
    );
    assert_eq!(junit.suites[0].properties["comply.mode"], "gate");
    assert_eq!(gate_containers(), before, "the gate removed its containers");
}

#[test]
fn the_embedded_suite_is_green_on_both_fixtures() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    let started = Instant::now();
    ws.comply()
        .args([
            "gate",
            "--junit",
            "gate.xml",
            "--junit-strict",
            "--json",
            "gate.json",
        ])
        .timeout(Duration::from_secs(1800))
        .assert()
        .code(0);
    eprintln!("embedded suite gate: {:?}", started.elapsed());
    validate_with_xsd(&ws.join("gate.xml")).expect("strict gate report validates");
    let junit = Junit::parse(&ws.read("gate.xml"));
    let fixtures: HashSet<String> = junit
        .suites
        .iter()
        .map(|s| s.properties["comply.target"].clone())
        .collect();
    assert_eq!(
        fixtures,
        HashSet::from(["debian12-systemd".to_owned(), "nixos-like".to_owned()])
    );
    assert!(
        junit
            .cases()
            .all(|case| case.element != "failure" && case.element != "error")
    );

    // Every runbook that heals healed on every fixture it runs on: the
    // gate really remediated, not only probed. The audit runbooks are the
    // exception the runbooks' README gives: the kernel refuses audit control
    // in a container, so there they are not applicable (the VM gates them).
    let listed = ws
        .comply()
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    let report: serde_json::Value = serde_json::from_str(&ws.read("gate.json")).unwrap();
    let container_limited = ["LIN-AUDIT-001", "LIN-AUDIT-002"];
    // Not applicable until the suite names a log host; gated with one by
    // `log_forwarding_is_gated_when_its_log_host_is_set`.
    let needs_an_input = ["LIN-LOG-002"];
    let mut checked = 0;
    for runbook in listed["runbooks"].as_array().unwrap() {
        let id = runbook["id"].as_str().unwrap();
        if runbook["tier"] == "L3"
            || container_limited.contains(&id)
            || needs_an_input.contains(&id)
        {
            continue;
        }
        for target in report["targets"].as_array().unwrap() {
            let outcomes: Vec<&str> = target["cases"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|case| case["runbook"] == id)
                .map(|case| case["outcome"].as_str().unwrap())
                .collect();
            if outcomes.is_empty() {
                continue; // not a platform of this fixture
            }
            assert!(
                outcomes.contains(&"healed"),
                "{id} healed nothing on {}: {outcomes:?}",
                target["target"]
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 40,
        "only {checked} runbook × fixture pairs checked"
    );

    // The HTML page of the gate groups runbook → fixture → scenario.
    ws.comply()
        .args(["report", "gate.json", "-o", "gate.html"])
        .assert()
        .code(0);
    let dom = browser_dom(&ws.join("gate.html"));
    let start = dom
        .find("<h3>LIN-SSH-001: ")
        .expect("a section per runbook");
    let end = start
        + 4
        + dom[start + 4..]
            .find("<h3>")
            .unwrap_or(dom.len() - start - 4);
    let section = &dom[start..end];
    let debian = section
        .find("<h4>on debian12-systemd</h4>")
        .expect("its debian fixture");
    let nixos = section
        .find("<h4>on nixos-like</h4>")
        .expect("its NixOS fixture");
    assert!(debian < nixos);
    let scenarios = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["cases"].as_array().unwrap())
        .filter(|case| case["runbook"] == "LIN-SSH-001")
        .count();
    assert_eq!(
        section.matches("<article class=\"case pass\">").count(),
        scenarios,
        "one passing article per scenario of LIN-SSH-001"
    );
    browser_screenshot(&ws.join("gate.html"), "html-report-gate");
}

/// The gate binds comply into each container fixture and runs the steps
/// under it; `--no-agent` runs them under `docker exec`'s `timeout`.
#[rstest]
fn gate_steps_run_under_the_agent_bound_into_the_fixture(
    #[values(Via::Agent, Via::Exec)] via: Via,
) {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    let runbook = ws
        .runbook("G-VIA-001")
        .tier("L3")
        .probe("echo \"under $(cat /proc/$PPID/comm)\"; exit 1\n")
        .create();
    std::fs::create_dir_all(runbook.join("scenarios")).unwrap();
    std::fs::write(runbook.join("scenarios/any.broken.sh"), "exit 0\n").unwrap();
    ws.comply()
        .args(["gate", "--runbooks", "runbooks", "--junit", "report.xml"])
        .args(["--fixture", "debian12-systemd"])
        .args(via.args())
        .assert()
        .code(0);
    let case = ws.junit().case("G-VIA-001").clone();
    assert_eq!(case.outcome(), "escalated");
    let expected = match via {
        Via::Agent => "under .comply-agent",
        Via::Exec => "under timeout",
    };
    assert!(
        case.system_out.contains(expected),
        "{via:?}: {}",
        case.system_out
    );
}

#[test]
fn an_l3_probe_is_exercised_when_its_input_is_set() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    ws.comply()
        .args([
            "gate",
            "--only",
            "NET-REACH-001",
            "--fixture",
            "debian12-systemd",
            "--input",
            "reachability_hosts=127.0.0.1:22",
            "--junit",
            "gate.xml",
        ])
        .assert()
        .code(0);
    let junit = Junit::parse(&ws.read("gate.xml"));
    let outcomes = junit.gate_outcomes();
    assert_eq!(
        outcomes[&("NET-REACH-001".to_owned(), "ssh-down.broken".to_owned())],
        "escalated"
    );
    assert_eq!(
        outcomes[&("NET-REACH-001".to_owned(), "ssh-up.compliant".to_owned())],
        "compliant"
    );
}

/// Waits until the gate has started a container.
fn wait_for_a_gate_container(before: &[String]) {
    let started = Instant::now();
    while gate_containers().len() <= before.len() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the gate started no container"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn spawn_gate(ws: &Workspace) -> std::process::Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("comply"))
        .current_dir(ws.path())
        .args([
            "gate",
            "--runbooks",
            &corpus(),
            "--jobs",
            "2",
            "--junit",
            "gate.xml",
        ])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn an_interrupted_gate_removes_its_containers_and_reports() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    let before = gate_containers();
    let mut gate = spawn_gate(&ws);
    wait_for_a_gate_container(&before);
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&gate),
        rustix::process::Signal::INT,
    )
    .unwrap();
    let status = gate.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        gate_containers(),
        before,
        "interrupted cases removed their containers"
    );
    let junit = Junit::parse(&ws.read("gate.xml"));
    assert!(junit.cases().any(|c| c.outcome() == "interrupted"));
}

/// A process the test started, killed however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Ctrl-C while a fixture restarts is an interruption, not a fixture that
/// failed to come back.
#[test]
fn an_interrupted_restart_is_interrupted_not_a_fixture_error() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    ws.runbook("G-INT-001")
        .probe("test -e /etc/healed\n")
        .remediate("touch /etc/healed\n")
        .create();
    ws.write(
        "runbooks/G-INT-001/scenarios/missing.broken.sh",
        "rm -f /etc/healed\n",
    );
    // A gate container stops only in the persistence restart (or when it is
    // removed, after the case).
    let mut events = KillOnDrop(
        std::process::Command::new("docker")
            .args([
                "events",
                "--filter",
                "label=comply.gate",
                "--filter",
                "event=die",
            ])
            .args(["--format", "{{.ID}}"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut gate = KillOnDrop(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("comply"))
            .current_dir(ws.path())
            .args(["gate", "--runbooks", "runbooks", "--junit", "gate.xml"])
            .args(["--fixture", "debian12-systemd"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut stopped = std::io::BufReader::new(events.0.stdout.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = tx.send(std::io::BufRead::read_line(&mut stopped, &mut line).map(|_| line));
    });
    rx.recv_timeout(Duration::from_secs(120))
        .expect("the gate's container stopped for its restart within 2 minutes")
        .unwrap();
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&gate.0),
        rustix::process::Signal::INT,
    )
    .unwrap();
    assert_eq!(gate.0.wait().unwrap().code(), Some(130));
    let junit = Junit::parse(&ws.read("gate.xml"));
    let case = junit.case("G-INT-001");
    assert_eq!(case.outcome(), "interrupted", "{:?}", case.message);
    assert!(
        case.message
            .as_deref()
            .unwrap_or_default()
            .contains("while the fixture restarted"),
        "{:?}",
        case.message
    );
}

#[test]
fn fixtures_prune_sweeps_up_after_a_killed_gate() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    let before = gate_containers();
    let mut gate = spawn_gate(&ws);
    wait_for_a_gate_container(&before);
    gate.kill().unwrap();
    gate.wait().unwrap();
    assert!(
        gate_containers().len() > before.len(),
        "a killed gate cannot clean up"
    );
    let output = ws
        .comply()
        .args(["fixtures", "prune"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stdout).contains("removed"));
    assert!(
        gate_containers().is_empty(),
        "prune removed every gate container"
    );
    assert!(
        !ws.join("gate.xml").exists(),
        "a killed gate writes no half report"
    );
}

#[test]
fn fixture_images_are_cached_by_their_definition() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    let started = Instant::now();
    let output = ws
        .comply()
        .args(["fixtures", "build"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "nothing is rebuilt"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for fixture in fixtures() {
        assert!(stdout.contains(&fixture.image), "{stdout}");
        // Container fixtures are images tagged by definition hash; VM
        // fixtures are disk images in the cache directory, named the same way.
        let cached_as = match fixture.def.kind {
            FixtureKind::Container => format!("comply-fixture/{}:", fixture.def.name),
            FixtureKind::Vm => format!("/{}-", fixture.def.name),
        };
        assert!(
            fixture.image.contains(&cached_as),
            "{} is cached by its definition hash: {}",
            fixture.def.name,
            fixture.image
        );
    }
    let listed = ws
        .comply()
        .args(["fixtures", "list"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout)
            .matches(" built")
            .count(),
        fixtures().len()
    );
}

#[test]
fn unknown_fixture_is_invalid_input() {
    let ws = Workspace::new();
    let output = ws
        .comply()
        .args(["gate", "--fixture", "debian12-sytemd"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `debian12-systemd`?"));
}

/// LIN-LOG-002 is not applicable until the suite names a log host; with
/// one, every scenario is exercised: broken ones heal, the refused ones
/// (missing keys, an override on the command line) change nothing.
#[test]
fn log_forwarding_is_gated_when_its_log_host_is_set() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    ws.comply()
        .args([
            "gate",
            "--only",
            "LIN-LOG-002",
            "--fixture",
            "debian12-systemd",
            "--input",
            "log_forward_url=https://logs.example.test:19532",
            "--junit",
            "gate.xml",
        ])
        .assert()
        .code(0);
    let outcomes = Junit::parse(&ws.read("gate.xml")).gate_outcomes();
    let of = |scenario: &str| outcomes[&("LIN-LOG-002".to_owned(), scenario.to_owned())].as_str();
    assert_eq!(of("forwarding.compliant"), "compliant");
    for broken in [
        "not-configured",
        "plain-http",
        "other-host",
        "stopped",
        "no-retry",
    ] {
        assert_eq!(of(&format!("{broken}.broken")), "healed", "{broken}");
    }
    for refused in ["no-certificates", "command-line-http", "key-unreadable"] {
        assert_eq!(of(&format!("{refused}.refused")), "escalated", "{refused}");
    }
}

/// A service that systemd restarts whenever it exits moves between
/// running, stopping and waiting on its own clock. A remediation that
/// refuses beside it changed nothing (`escalated`), wherever the loop is
/// when the manifests before and after it are read; one that stops the
/// loop or starts it by hand did change the host (`not-refused`).
#[test]
fn a_unit_restarting_on_its_own_is_not_a_change_a_stopped_one_is() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    // The probe's delay sets where the loop is when the manifest before the
    // remediation is read; the remediation's, where it is after.
    ws.runbook("G-LOOP-001")
        .probe("sleep \"$(cat /etc/probe-delay)\"\nexit 1\n")
        .remediate(
            "sleep \"$(cat /etc/remediation-delay)\"\n\
             if [ -n \"$(cat /etc/loop-action)\" ]; then systemctl \"$(cat /etc/loop-action)\" loop.service; fi\n\
             sleep \"$(cat /etc/after-action-delay)\"\n\
             echo 'refused, nothing changed' >&2\nexit 3\n",
        )
        .create();
    // Each cycle: 3 s running, 2 s stopping (a child ignores SIGTERM), 3 s
    // waiting to restart. Enabled, so that it is listed when stopped.
    let looping = "cat > /etc/systemd/system/loop.service <<'EOF'\n\
                   [Unit]\nStartLimitIntervalSec=0\n\
                   [Service]\n\
                   ExecStart=/bin/sh -c '(trap \"\" TERM; sleep 5) & sleep 3; exit 1'\n\
                   Restart=always\nRestartSec=3\n\
                   [Install]\nWantedBy=multi-user.target\nEOF\n\
                   systemctl daemon-reload\nsystemctl enable --now loop.service\n";
    // (scenario, probe delay, remediation delay, what the remediation does
    // and the delay after it, the outcome): before ≈ 0.3 s + probe delay
    // into the cycle, after ≈ that + the remediation's delays.
    let cases = [
        ("running", "0", "0.5", "", "0", "escalated"),
        ("stopping-after", "0", "3.5", "", "0", "escalated"),
        ("waiting-after", "0", "5.5", "", "0", "escalated"),
        ("stopping-before", "3.5", "0.5", "", "0", "escalated"),
        ("restarted-by-systemd", "5.5", "3", "", "0", "escalated"),
        (
            "restarted-by-hand",
            "5.5",
            "0",
            "restart",
            "0",
            "not-refused",
        ),
        (
            "restarted-by-hand-crashed-again",
            "5.5",
            "0",
            "restart",
            "5.5",
            "not-refused",
        ),
        ("stopped", "0", "0", "stop", "0", "not-refused"),
    ];
    for (name, probe, remediation, action, after_action, _) in cases {
        ws.write(
            &format!("runbooks/G-LOOP-001/scenarios/{name}.refused.sh"),
            format!(
                "{looping}echo {probe} > /etc/probe-delay\n\
                 echo {remediation} > /etc/remediation-delay\n\
                 echo {action} > /etc/loop-action\n\
                 echo {after_action} > /etc/after-action-delay\n"
            ),
        );
    }
    ws.comply()
        .args(["gate", "--runbooks", "runbooks", "--junit", "gate.xml"])
        .args(["--fixture", "debian12-systemd"])
        .timeout(Duration::from_secs(300))
        .assert()
        .code(1);
    let junit = Junit::parse(&ws.read("gate.xml"));
    let outcomes = junit.gate_outcomes();
    for (name, .., outcome) in cases {
        let scenario = format!("{name}.refused");
        assert_eq!(
            outcomes[&("G-LOOP-001".to_owned(), scenario)],
            outcome,
            "{name}"
        );
    }
    let message = |name: &str| {
        let case = junit.cases().find(|c| c.name.contains(name)).unwrap();
        case.message.clone().unwrap_or_default()
    };
    for (name, change) in [
        (
            "restarted-by-hand.",
            "unit loop.service: loaded/activating/auto-restart -> loaded/active/running",
        ),
        (
            "restarted-by-hand-crashed-again",
            "unit loop.service: loaded/activating/auto-restart, started again but not by its Restart=",
        ),
        (
            "stopped",
            "unit loop.service: loaded/active/running -> loaded/inactive/dead",
        ),
    ] {
        assert!(message(name).contains(change), "{name}: {}", message(name));
    }
}

/// `comply gate --partition hash:K/4` for K = 1..4, merged, is the
/// unsharded gate case for case (on a few corpus runbooks, to keep it short).
#[test]
fn gate_shards_merge_into_the_unsharded_gate() {
    let _serial = serial();
    fixtures();
    let ws = Workspace::new();
    let gate = |extra: &[&str]| {
        let mut command = ws.comply();
        command
            .args(["gate", "--runbooks", &corpus()])
            .args(["--only", "BAD-UNTESTED-001", "--only", "BAD-APPEND-001"])
            .args(["--only", "BAD-PROBE-001", "--only", "BAD-ALARM-001"])
            .args(extra)
            .timeout(Duration::from_secs(600));
        command.assert()
    };
    gate(&["--junit", "whole.xml"]).code(1);
    let mut shards = Vec::new();
    for k in 1..=4 {
        let file = format!("shard-{k}.json");
        gate(&["--partition", &format!("hash:{k}/4"), "--json", &file])
            .code(predicate::in_iter([0, 1]));
        shards.push(file);
    }
    ws.comply()
        .arg("merge")
        .args(&shards)
        .args(["--junit", "merged.xml"])
        .assert()
        .code(1);
    let whole = Junit::parse(&ws.read("whole.xml")).gate_cases();
    assert_eq!(whole.len(), 5, "{whole:?}");
    assert_eq!(Junit::parse(&ws.read("merged.xml")).gate_cases(), whole);
}
