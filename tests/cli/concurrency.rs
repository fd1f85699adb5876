//! `--jobs`: probes run in parallel, remediations on one target never
//! overlap, two remediating runs on one host never interleave, and the
//! report order never depends on scheduling.

use std::time::{Duration, Instant};

use crate::support::Workspace;

/// A runbook whose remediation logs its start and end around a pause.
fn logging_runbook(ws: &Workspace, id: &str, log: &std::path::Path) {
    ws.runbook(id)
        .toml(&format!("[inputs]\nlog = \"{}\"", log.display()))
        .probe("exit 1\n")
        .remediate("echo \"start $COMPLY_RUNBOOK $$\" >> \"$COMPLY_INPUT_LOG\"\nsleep 0.3\necho \"end $COMPLY_RUNBOOK $$\" >> \"$COMPLY_INPUT_LOG\"\n")
        .verify("exit 0\n")
        .create();
}

/// Every `start` is followed by its own `end` before the next `start`.
fn assert_not_interleaved(log: &str, expected_pairs: usize) {
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), expected_pairs * 2, "{log}");
    for pair in lines.chunks(2) {
        let start = pair[0].strip_prefix("start ").expect(log);
        let end = pair[1].strip_prefix("end ").expect(log);
        assert_eq!(start, end, "remediations interleaved:\n{log}");
    }
}

#[test]
fn probes_run_in_parallel_and_the_report_is_ordered_by_id() {
    let ws = Workspace::new();
    for id in ["P-D", "P-A", "P-C", "P-B"] {
        ws.runbook(id).probe("sleep 0.5\n").create();
    }
    let started = Instant::now();
    ws.run().args(["--jobs", "4"]).assert().code(0);
    let parallel = started.elapsed();
    assert!(
        parallel < Duration::from_millis(1500),
        "4 × 0.5 s probes with --jobs 4 took {parallel:?}"
    );
    let ids: Vec<String> = ws.junit().cases().map(|c| c.runbook().to_owned()).collect();
    assert_eq!(ids, ["P-A", "P-B", "P-C", "P-D"]);

    let started = Instant::now();
    ws.run().args(["--jobs", "1"]).assert().code(0);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "--jobs 1 runs one probe at a time"
    );
    let serial: Vec<String> = ws.junit().cases().map(|c| c.runbook().to_owned()).collect();
    assert_eq!(serial, ids);
}

#[test]
fn remediations_on_one_target_are_serialized() {
    let ws = Workspace::new();
    let log = ws.join("remediations.log");
    for id in ["R-A", "R-B", "R-C", "R-D"] {
        logging_runbook(&ws, id, &log);
    }
    ws.run()
        .args(["--remediate", "--jobs", "4"])
        .assert()
        .code(0);
    assert_not_interleaved(&ws.read("remediations.log"), 4);
    assert!(ws.junit().cases().all(|c| c.outcome() == "healed"));
}

#[test]
fn a_second_remediating_run_waits_for_the_first() {
    let ws = Workspace::new();
    let log = ws.join("remediations.log");
    for id in ["R-A", "R-B", "R-C"] {
        logging_runbook(&ws, id, &log);
    }
    let spawn = |report: &str| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("comply"))
            .current_dir(ws.path())
            .args([
                "run",
                "--runbooks",
                "runbooks",
                "--remediate",
                "--jobs",
                "3",
                "--junit",
                report,
            ])
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn("first.xml");
    std::thread::sleep(Duration::from_millis(100));
    let second = spawn("second.xml");
    let first = first.wait_with_output().unwrap();
    let second = second.wait_with_output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(second.status.code(), Some(0));
    assert_not_interleaved(&ws.read("remediations.log"), 6);
    let waited = String::from_utf8_lossy(&first.stderr).to_string()
        + &String::from_utf8_lossy(&second.stderr);
    assert!(
        waited.contains("waiting for another remediating comply run on `local`"),
        "{waited}"
    );
}
