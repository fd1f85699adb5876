//! `comply run --remediate --plan`: probes for real, shows what would be
//! remediated, and remediates nothing.

use predicates::prelude::*;
use sha2::{Digest, Sha256};

use crate::support::Workspace;

#[test]
fn a_plan_probes_shows_the_exact_remediation_and_runs_none() {
    let ws = Workspace::new();
    let marker = ws.join("healed");
    let probed = ws.join("probed");
    let remediation = format!(
        "touch {}\nsystemctl enable --now auditd\n",
        marker.display()
    );
    ws.runbook("LIN-MARK-001")
        .probe(&format!(
            "touch {}\ntest -e {}\n",
            probed.display(),
            marker.display()
        ))
        .remediate(&remediation)
        .create();
    ws.runbook("LIN-TIER-002")
        .tier("L2")
        .probe("exit 1\n")
        .remediate(&format!("touch {}\n", marker.display()))
        .create();
    ws.runbook("LIN-OK-001").probe("exit 0\n").create();
    let output = ws
        .run()
        .args(["--remediate", "--plan"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let stdout = String::from_utf8(output).unwrap();
    let sha256 = hex::encode(Sha256::digest(remediation.as_bytes()));
    assert!(probed.exists(), "the probe ran for real");
    assert!(!marker.exists(), "no remediation ran:\n{stdout}");
    for expected in [
        "WOULD REMEDIATE LIN-MARK-001 on local (tier L1, 164.312(b))".to_owned(),
        format!("script  remediate[default] sha256:{sha256}"),
        format!("files   {}", marker.display()),
        "units   auditd.service".to_owned(),
        format!("  | touch {}", marker.display()),
        "WOULD NOT RUN LIN-TIER-002 on local (tier L2, 164.312(b)): escalated: the probe failed and L2 remediations run only with --allow-tier L2".to_owned(),
        "plan: 1 would remediate, 1 would not run, 0 cannot tell; nothing was changed".to_owned(),
    ] {
        assert!(stdout.contains(&expected), "missing {expected:?} in:\n{stdout}");
    }
    assert!(
        !stdout.contains("LIN-OK-001 on local"),
        "a compliant case is not in the plan"
    );
    // The report of a plan is the check run's.
    assert_eq!(ws.json()["mode"], "check");
}

#[test]
fn a_plan_where_nothing_would_change_exits_0() {
    let ws = Workspace::new();
    ws.runbook("LIN-OK-001").probe("exit 0\n").create();
    ws.runbook("LIN-PERSON-001")
        .tier("L3")
        .probe("exit 1\n")
        .create();
    ws.runbook("LIN-NA-001").probe("exit 77\n").create();
    ws.run()
        .args(["--remediate", "--plan"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "WOULD NOT RUN LIN-PERSON-001 on local (tier L3, 164.312(b)): escalated: the probe failed and L3 runbooks are never remediated automatically",
        ))
        .stdout(predicate::str::contains(
            "plan: 0 would remediate, 1 would not run, 0 cannot tell",
        ));
}

#[test]
fn a_probe_that_cannot_tell_is_an_error_of_the_plan() {
    let ws = Workspace::new();
    ws.runbook("LIN-BROKEN-001").probe("exit 3\n").create();
    ws.run()
        .args(["--remediate", "--plan"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains("CANNOT TELL LIN-BROKEN-001"))
        .stdout(predicate::str::contains(
            "0 would remediate, 0 would not run, 1 cannot tell",
        ));
}

/// An escalation (a failure in the check run) beside a probe error: the
/// check run's status is 1, but the plan cannot say nothing would change.
#[test]
fn an_unknown_beside_an_escalation_is_still_an_error() {
    let ws = Workspace::new();
    ws.runbook("LIN-PERSON-001")
        .tier("L3")
        .probe("exit 1\n")
        .create();
    ws.runbook("LIN-BROKEN-001").probe("exit 3\n").create();
    ws.run()
        .args(["--remediate", "--plan"])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "0 would remediate, 1 would not run, 1 cannot tell",
        ));
}

/// Something would change and something cannot be told: 1 outranks 3,
/// as failures outrank errors in every comply exit status.
#[test]
fn a_remediation_beside_an_unknown_exits_1() {
    let ws = Workspace::new();
    ws.runbook("LIN-FIX-001").probe("exit 1\n").create();
    ws.runbook("LIN-BROKEN-001").probe("exit 3\n").create();
    ws.run()
        .args(["--remediate", "--plan"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "1 would remediate, 0 would not run, 1 cannot tell",
        ));
}

/// A plan whose reports cannot be written does not exit 0.
#[test]
fn a_plan_whose_report_is_lost_is_not_green() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.join("out")).unwrap();
    // The report's directory is there when comply checks it, and gone
    // when the run is over.
    ws.runbook("LIN-OK-001")
        .probe(&format!("rm -r {}\nexit 0\n", ws.join("out").display()))
        .create();
    ws.runbook("LIN-PERSON-001")
        .tier("L3")
        .probe("exit 1\n")
        .create();
    ws.comply()
        .args(["run", "--runbooks", "runbooks", "--json", "out/report.json"])
        .args(["--remediate", "--plan"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("out/report.json"));
}

#[test]
fn a_plan_needs_remediate() {
    let ws = Workspace::new();
    ws.runbook("LIN-OK-001").create();
    ws.run()
        .arg("--plan")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--remediate"));
}
