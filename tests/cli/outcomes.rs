//! Every outcome of `comply run` (README: Outcomes) and every exit code (README: exit codes),
//! produced by real scripts on the local host.

use predicates::prelude::*;
use rstest::rstest;

use crate::support::Workspace;

/// A probe that passes once `remediate` has touched the marker file the
/// `marker` input names; the path reaches scripts only through the
/// environment.
fn marker_runbook(ws: &Workspace, id: &str, tier: &str, remediate: &str) {
    let marker = ws.join(&format!("{id}.healed"));
    ws.runbook(id)
        .tier(tier)
        .toml(&format!("[inputs]\nmarker = \"{}\"", marker.display()))
        .probe("[ -e \"$COMPLY_INPUT_MARKER\" ] && exit 0\necho \"marker missing\"\nexit 1\n")
        .remediate(remediate)
        .create();
}

#[rstest]
#[case::compliant("exit 0\n", "touch /dev/null\n", &[], "compliant", "pass", 0)]
#[case::non_compliant_in_check_mode("echo drift; exit 1\n", "touch /dev/null\n", &[], "non-compliant", "failure", 1)]
#[case::not_healed("exit 1\n", "touch /dev/null\n", &["--remediate"], "not-healed", "failure", 1)]
#[case::remediation_failed("exit 1\n", "mkdir /proc/comply-cannot\n", &["--remediate"], "remediation-failed", "failure", 1)]
#[case::probe_error("exit 2\n", "touch /dev/null\n", &["--remediate"], "probe-error", "error", 3)]
#[case::probe_killed("kill -9 $$\n", "touch /dev/null\n", &["--remediate"], "probe-error", "error", 3)]
#[case::not_applicable_by_exit_77("exit 77\n", "touch /dev/null\n", &[], "not-applicable", "skipped", 0)]
#[case::empty_runbook_when_probe_passes("exit 0\n", "# to do\n\n", &[], "empty-runbook", "failure", 1)]
#[case::empty_runbook_when_blank("exit 1\n", "", &["--remediate"], "empty-runbook", "failure", 1)]
#[case::noop_runbook("exit 0\n", "echo fixing\ntrue\nexit 0\n", &[], "noop-runbook", "failure", 1)]
#[case::timeout("sleep 1000\n", "touch /dev/null\n", &["--timeout", "1"], "timeout", "error", 3)]
#[case::target_error("#!/nonexistent/interpreter\nexit 0\n", "touch /dev/null\n", &[], "target-error", "error", 3)]
fn single_runbook_outcomes(
    #[case] probe: &str,
    #[case] remediate: &str,
    #[case] args: &[&str],
    #[case] outcome: &str,
    #[case] element: &str,
    #[case] exit_code: i32,
) {
    let ws = Workspace::new();
    ws.runbook("T-001")
        .probe(probe)
        .remediate(remediate)
        .create();
    ws.run().args(args).assert().code(exit_code);
    let junit = ws.junit();
    let case = junit.case("T-001");
    assert_eq!(case.outcome(), outcome);
    assert_eq!(case.element, element);
    if element != "pass" {
        assert_eq!(
            case.kind.as_deref(),
            Some(outcome),
            "the outcome is the `type`"
        );
        assert!(
            case.message
                .as_deref()
                .unwrap()
                .starts_with(&format!("{outcome}: "))
        );
    }
    assert_eq!(ws.json()["targets"][0]["cases"][0]["outcome"], outcome);
}

#[test]
fn healed_runs_probe_remediate_verify_in_order() {
    let ws = Workspace::new();
    marker_runbook(&ws, "T-HEAL", "L1", "touch \"$COMPLY_INPUT_MARKER\"\n");
    ws.run().arg("--remediate").assert().code(0);
    let junit = ws.junit();
    let case = junit.case("T-HEAL");
    assert_eq!(case.outcome(), "healed");
    assert_eq!(case.element, "pass");
    let json = ws.json();
    let steps: Vec<&str> = json["targets"][0]["cases"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["probe", "remediate", "verify"]);
    assert!(ws.join("T-HEAL.healed").exists());
}

#[test]
fn check_mode_never_remediates() {
    let ws = Workspace::new();
    marker_runbook(&ws, "T-CHECK", "L1", "touch \"$COMPLY_INPUT_MARKER\"\n");
    ws.run().assert().code(1);
    assert_eq!(ws.junit().case("T-CHECK").outcome(), "non-compliant");
    assert!(
        !ws.join("T-CHECK.healed").exists(),
        "check mode must not touch the host"
    );
}

#[test]
fn a_probe_error_never_triggers_a_remediation() {
    let ws = Workspace::new();
    let marker = ws.join("remediated");
    ws.runbook("T-ERR")
        .toml(&format!("[inputs]\nmarker = \"{}\"", marker.display()))
        .probe("echo 'cannot read config' >&2\nexit 4\n")
        .remediate("touch \"$COMPLY_INPUT_MARKER\"\n")
        .create();
    ws.run().arg("--remediate").assert().code(3);
    assert_eq!(ws.junit().case("T-ERR").outcome(), "probe-error");
    assert!(!marker.exists());
}

#[rstest]
#[case::l3_always_escalates("L3", &["--remediate"], "escalated")]
#[case::l3_in_check_mode("L3", &[], "escalated")]
#[case::l2_needs_allow_tier("L2", &["--remediate"], "escalated")]
#[case::l2_allowed("L2", &["--remediate", "--allow-tier", "L2"], "healed")]
fn tiers(#[case] tier: &str, #[case] args: &[&str], #[case] outcome: &str) {
    let ws = Workspace::new();
    if tier == "L3" {
        ws.runbook("T-TIER").tier("L3").probe("exit 1\n").create();
    } else {
        marker_runbook(&ws, "T-TIER", tier, "touch \"$COMPLY_INPUT_MARKER\"\n");
    }
    let expected_exit = if outcome == "healed" { 0 } else { 1 };
    ws.run().args(args).assert().code(expected_exit);
    assert_eq!(ws.junit().case("T-TIER").outcome(), outcome);
    assert_eq!(ws.join("T-TIER.healed").exists(), outcome == "healed");
}

#[test]
fn a_runbook_for_another_platform_is_not_applicable_and_never_runs() {
    let ws = Workspace::new();
    let ran = ws.join("probe-ran");
    ws.runbook("T-PLAT")
        .toml(&format!(
            "platforms = [\"alpine\"]\n[inputs]\nflag = \"{}\"",
            ran.display()
        ))
        .probe("touch \"$COMPLY_INPUT_FLAG\"\nexit 1\n")
        .create();
    ws.run().assert().code(0);
    let junit = ws.junit();
    let case = junit.case("T-PLAT");
    assert_eq!(case.outcome(), "not-applicable");
    assert_eq!(case.element, "skipped");
    assert!(case.message.as_deref().unwrap().contains("`alpine`"));
    assert!(!ran.exists(), "the probe must not run");
}

#[test]
fn waivers_skip_until_they_expire_and_expired_ones_are_reported() {
    let ws = Workspace::new();
    ws.runbook("T-WAIVED").probe("exit 1\n").create();
    ws.runbook("T-EXPIRED").probe("exit 1\n").create();
    ws.write(
        "suite.toml",
        r#"name = "waivers"
runbooks = ["runbooks"]
[[waivers]]
runbook = "T-WAIVED"
reason = "Compensating control, ticket SEC-1"
expires = "2999-12-31"
owner = "appliance-team"
approved_by = "CISO"
[[waivers]]
runbook = "T-EXPIRED"
reason = "Old exception, ticket SEC-0"
expires = 2020-01-31
owner = "appliance-team"
approved_by = "CISO"
[[waivers]]
runbook = "T-REMOVED"
reason = "The runbook this waived is gone"
expires = "2999-12-31"
owner = "appliance-team"
approved_by = "CISO"
"#,
    );
    let output = ws
        .comply()
        .args([
            "run",
            "--suite",
            "suite.toml",
            "--junit",
            "report.xml",
            "--json",
            "report.json",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("waiver for `T-EXPIRED`") && stderr.contains("expired on 2020-01-31"),
        "{stderr}"
    );
    // A waiver whose runbook is gone is a warning, not a refusal.
    assert!(
        stderr.contains("names `T-REMOVED`, which no loaded runbook has"),
        "{stderr}"
    );

    let junit = ws.junit();
    let waived = junit.case("T-WAIVED");
    assert_eq!(waived.outcome(), "waived");
    assert_eq!(waived.element, "skipped");
    assert!(waived.message.as_deref().unwrap().contains("SEC-1"));
    assert!(
        waived
            .message
            .as_deref()
            .unwrap()
            .contains("(owner appliance-team, approved by CISO)")
    );
    assert_eq!(
        waived.properties["comply.waiver"],
        "applied 2999-12-31: Compensating control, ticket SEC-1 (owner appliance-team, approved by CISO)"
    );
    let expired = junit.case("T-EXPIRED");
    assert_eq!(
        expired.outcome(),
        "non-compliant",
        "an expired waiver does not apply"
    );
    assert!(expired.properties["comply.waiver"].starts_with("expired 2020-01-31"));
    let json = ws.json();
    assert_eq!(json["targets"][0]["cases"][0]["waiver"]["expired"], true);
    assert_eq!(
        json["targets"][0]["cases"][0]["waiver"]["owner"],
        "appliance-team"
    );
    assert_eq!(
        json["targets"][0]["cases"][1]["waiver"]["approved_by"],
        "CISO"
    );

    // `comply list --waivers`: every waiver with the days it has left.
    let listed = ws
        .comply()
        .args([
            "list",
            "--suite",
            "suite.toml",
            "--waivers",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let listed: serde_json::Value = serde_json::from_slice(&listed).unwrap();
    let rows: Vec<(&str, bool, &str)> = listed["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["runbook"].as_str().unwrap(),
                w["expired"].as_bool().unwrap(),
                w["owner"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("T-WAIVED", false, "appliance-team"),
            ("T-EXPIRED", true, "appliance-team"),
            ("T-REMOVED", false, "appliance-team")
        ]
    );
    let expired_days = listed["waivers"][1]["days_left"].as_i64().unwrap();
    assert!(
        expired_days < -2000,
        "2020-01-31 was long ago: {expired_days}"
    );
    ws.comply()
        .args(["list", "--suite", "suite.toml", "--waivers"])
        .assert()
        .success()
        .stdout(predicate::str::contains("DAYS LEFT").and(predicate::str::contains("CISO")));
}

#[test]
fn a_suite_may_opt_out_of_waiver_approval() {
    let ws = Workspace::new();
    ws.runbook("T-WAIVED").probe("exit 1\n").create();
    let suite = |policy: &str| {
        format!(
            "name = \"w\"\nrunbooks = [\"runbooks\"]\n{policy}[[waivers]]\nrunbook = \"T-WAIVED\"\n\
             reason = \"Ticket SEC-9\"\nexpires = \"2999-12-31\"\n"
        )
    };
    ws.write("suite.toml", suite(""));
    ws.comply()
        .args(["run", "--suite", "suite.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("waivers[0].owner"));
    ws.write("suite.toml", suite("waivers_require_approval = false\n"));
    ws.comply()
        .args(["run", "--suite", "suite.toml", "--junit", "report.xml"])
        .assert()
        .code(0);
    assert_eq!(ws.junit().case("T-WAIVED").outcome(), "waived");
}

#[test]
fn exit_code_is_one_when_failures_and_errors_mix() {
    let ws = Workspace::new();
    ws.runbook("T-A").probe("exit 1\n").create();
    ws.runbook("T-B").probe("exit 5\n").create();
    ws.run().assert().code(1);
}

#[test]
fn exit_code_three_for_errors_only() {
    let ws = Workspace::new();
    ws.runbook("T-A").probe("exit 0\n").create();
    ws.runbook("T-B").probe("exit 5\n").create();
    ws.run().assert().code(3);
}

#[test]
fn interrupted_runs_write_the_report_and_exit_130() {
    let ws = Workspace::new();
    ws.runbook("T-FAST").probe("exit 0\n").create();
    let started_flag = ws.join("slow-started");
    ws.runbook("T-SLOW")
        .toml(&format!("[inputs]\nflag = \"{}\"", started_flag.display()))
        .probe("touch \"$COMPLY_INPUT_FLAG\"\nsleep 1000\n")
        .create();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("comply"))
        .current_dir(ws.path())
        .args([
            "run",
            "--runbooks",
            "runbooks",
            "--jobs",
            "1",
            "--junit",
            "report.xml",
            "--json",
            "report.json",
        ])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !started_flag.exists() {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "the slow probe never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&child),
        rustix::process::Signal::INT,
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "the sleep was killed"
    );
    let junit = ws.junit();
    assert_eq!(junit.case("T-FAST").outcome(), "compliant");
    let slow = junit.case("T-SLOW");
    assert_eq!(slow.outcome(), "interrupted");
    assert_eq!(slow.element, "error");
    assert_eq!(ws.json()["interrupted"], true);
}
