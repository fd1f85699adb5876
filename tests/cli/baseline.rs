//! `comply diff` and `comply run --baseline … --fail-on new`: what changed
//! between two runs, and failing only on what is new.

use predicates::prelude::*;

use crate::support::Workspace;

/// Before: A passes, B fails, D fails. After: A fails (regressed), B
/// passes (improved), C is new and fails (appeared), D is gone
/// (disappeared), E fails in both (unchanged).
fn before_and_after(ws: &Workspace) {
    ws.runbook("LIN-A-001").probe("exit 0\n").create();
    ws.runbook("LIN-B-001").probe("exit 1\n").create();
    ws.runbook("LIN-D-001").probe("exit 1\n").create();
    ws.runbook("LIN-E-001").probe("exit 1\n").create();
    ws.run().assert().code(1);
    std::fs::rename(ws.join("report.json"), ws.join("old.json")).unwrap();
    ws.runbook("LIN-A-001").probe("exit 1\n").create();
    ws.runbook("LIN-B-001").probe("exit 0\n").create();
    ws.runbook("LIN-C-001").probe("exit 1\n").create();
    std::fs::remove_dir_all(ws.join("runbooks/LIN-D-001")).unwrap();
    ws.run().assert().code(1);
    std::fs::rename(ws.join("report.json"), ws.join("new.json")).unwrap();
}

#[test]
fn diff_names_regressions_improvements_and_new_and_removed_cases() {
    let ws = Workspace::new();
    before_and_after(&ws);
    let output = ws
        .comply()
        .args(["diff", "old.json", "new.json", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let differences: serde_json::Value = serde_json::from_slice(&output).unwrap();
    let summary: Vec<(&str, &str, &str, &str)> = differences
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["change"].as_str().unwrap(),
                d["runbook"].as_str().unwrap(),
                d["old"].as_str().unwrap_or("-"),
                d["new"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("regressed", "LIN-A-001", "compliant", "non-compliant"),
            ("appeared", "LIN-C-001", "-", "non-compliant"),
            ("disappeared", "LIN-D-001", "non-compliant", "-"),
            ("improved", "LIN-B-001", "non-compliant", "compliant"),
        ]
    );
    ws.comply()
        .args(["diff", "old.json", "new.json", "--format", "markdown"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("| change | case | before | now |").and(
                predicate::str::contains(
                    "| regressed | LIN-A-001 on local | compliant | non-compliant |",
                ),
            ),
        );
    ws.comply()
        .args(["diff", "old.json", "new.json"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("improved")
                .and(predicate::str::contains("LIN-B-001 on local")),
        );
    // Nothing changed: exit 0.
    ws.comply()
        .args(["diff", "new.json", "new.json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no case changed"));
}

#[test]
fn fail_on_new_fails_only_on_what_the_baseline_did_not_have() {
    let ws = Workspace::new();
    before_and_after(&ws);
    // LIN-A-001 regressed and LIN-C-001 is new and failing: exit 1.
    ws.run()
        .args(["--baseline", "old.json", "--fail-on", "new"])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("NEW FAILURE LIN-A-001 on local: compliant → non-compliant")
                .and(predicate::str::contains(
                    "NEW FAILURE LIN-C-001 on local: — → non-compliant",
                ))
                .and(predicate::str::contains("LIN-B-001 on local:").not()),
        );
    // Against itself nothing is new, though LIN-A/C/E-001 fail.
    ws.run()
        .args(["--baseline", "new.json", "--fail-on", "new"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 regressed"));
    // The default still fails on every failure.
    ws.run().args(["--baseline", "new.json"]).assert().code(1);
    // Only an improvement against the baseline (LIN-A-001 passes again and
    // LIN-C-001 is gone): nothing new fails, though LIN-E-001 still does.
    ws.runbook("LIN-A-001").probe("exit 0\n").create();
    std::fs::remove_dir_all(ws.join("runbooks/LIN-C-001")).unwrap();
    ws.run()
        .args(["--baseline", "new.json", "--fail-on", "new"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "0 regressed, 1 improved, 0 appeared, 1 disappeared",
        ));
}

#[test]
fn a_baseline_that_cannot_be_read_stops_the_run_before_it_starts() {
    let ws = Workspace::new();
    ws.runbook("LIN-A-001").probe("exit 0\n").create();
    ws.write("old.json", "{\"schema\": \"comply.report/v1\"");
    ws.run()
        .args(["--baseline", "old.json", "--fail-on", "new"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("old.json"));
    assert!(!ws.join("report.xml").exists());
    ws.run()
        .args(["--fail-on", "new"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--baseline"));
}
