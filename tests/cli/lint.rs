//! `comply lint` and `comply list --coverage` (docs/lint.md).

use rstest::rstest;

use crate::support::{Junit, Workspace, validate_with_xsd};

fn lint(ws: &Workspace, extra: &[&str]) -> (i32, String, String) {
    let output = ws
        .comply()
        .args(["lint", "runbooks", "--junit", "lint.xml"])
        .args(extra)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn the_embedded_suite_has_no_lint_failures() {
    let ws = Workspace::new();
    let output = ws
        .comply()
        .args(["lint", "--junit", "lint.xml"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(!stdout.contains("FAIL"), "{stdout}");
    let junit = Junit::parse(&ws.read("lint.xml"));
    assert!(junit.cases().all(|c| c.element == "pass"));
    assert_eq!(junit.suites[0].properties["comply.mode"], "lint");
}

#[rstest]
#[case::sed_on_nixos(
    "platforms = [\"debian\", \"nixos\"]",
    &[("remediate.sh", "mkdir -p /etc/systemd/journald.conf.d\n"), ("remediate.nixos.sh", "# the field's runbook\nsed -i 's/^#\\?Storage=.*/Storage=persistent/' /etc/systemd/journald.conf\nsystemctl restart systemd-journald\n")],
    "platform-hazard",
    "remediate.nixos:2: `sed` writes /etc/systemd/journald.conf: on NixOS /etc/systemd/journald.conf is a link into the read-only store: this edit fails or is undone at the next activation; write a drop-in under /etc/systemd/journald.conf.d/ or change configuration.nix"
)]
#[case::default_variant_runs_on_nixos(
    "",
    &[("remediate.sh", "echo 'PermitRootLogin no' >> /etc/ssh/sshd_config\n")],
    "platform-hazard",
    "remediate:1: a redirection writes /etc/ssh/sshd_config"
)]
#[case::empty(
    "",
    &[("remediate.sh", "# TODO\n")],
    "empty-runbook",
    "remediate: is blank or only comments"
)]
#[case::true_only(
    "",
    &[("remediate.sh", "#!/bin/sh\n# pretend to heal\ntrue\n")],
    "noop-runbook",
    "remediate:3: only runs `true`"
)]
#[case::exit_before_the_work(
    "",
    &[("remediate.sh", "echo healing\nexit 0\nsystemctl restart systemd-journald\n")],
    "noop-runbook",
    "remediate:1: only runs `echo`, `exit` (everything after the `exit` on line 2 is never reached)"
)]
#[case::missing_platform_variant(
    "platforms = [\"debian\", \"nixos\"]",
    &[("remediate.debian.sh", "mkdir -p /etc/x.d\n")],
    "empty-runbook",
    "remediate: no remediation for `nixos`"
)]
fn failures_name_check_variant_and_line(
    #[case] toml: &str,
    #[case] files: &[(&str, &str)],
    #[case] check: &str,
    #[case] expected: &str,
) {
    let ws = Workspace::new();
    let dir = ws.runbook("LIN-BAD-001").toml(toml).create();
    std::fs::remove_file(dir.join("remediate.sh")).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let (code, stdout, _) = lint(&ws, &[]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL LIN-BAD-001"), "{stdout}");
    assert!(
        stdout.contains(&format!("{check} [failure] {expected}")),
        "expected `{expected}` in:\n{stdout}"
    );

    let junit = Junit::parse(&ws.read("lint.xml"));
    let case = junit.case("LIN-BAD-001");
    assert_eq!(case.classname, "lint.technical");
    assert_eq!(case.element, "failure");
    assert_eq!(case.kind.as_deref(), Some(check));
    assert!(
        case.message
            .as_deref()
            .unwrap()
            .starts_with(&format!("{check}: "))
    );
    assert!(case.system_out.contains(expected));
}

#[test]
fn start_without_enable_is_a_warning_with_its_line() {
    let ws = Workspace::new();
    ws.runbook("LIN-SVC-900")
        .remediate("set -e\nsystemctl daemon-reload\nsystemctl start auditd\n")
        .create();
    ws.write(
        "runbooks/LIN-SVC-900/scenarios/stopped.broken.sh",
        "systemctl stop auditd\n",
    );
    let (code, stdout, _) = lint(&ws, &[]);
    assert_eq!(code, 0, "warnings do not fail: {stdout}");
    assert!(stdout.contains("WARN LIN-SVC-900"), "{stdout}");
    assert!(
        stdout.contains("start-without-enable [warning] remediate:3: `systemctl start auditd` without `systemctl enable auditd`"),
        "{stdout}"
    );
    let junit = Junit::parse(&ws.read("lint.xml"));
    let case = junit.case("LIN-SVC-900");
    assert_eq!(case.element, "pass");
    assert!(case.system_out.contains("start-without-enable"));
}

#[test]
fn untested_is_a_warning_and_scenarios_silence_it() {
    let ws = Workspace::new();
    ws.runbook("LIN-T-001").create();
    let (_, stdout, _) = lint(&ws, &[]);
    assert!(stdout.contains("untested [warning]"), "{stdout}");
    ws.write("runbooks/LIN-T-001/scenarios/drift.broken.sh", "rm -f /x\n");
    let (code, stdout, _) = lint(&ws, &[]);
    assert_eq!(code, 0);
    assert!(stdout.contains("PASS LIN-T-001"), "{stdout}");
}

#[test]
fn shellcheck_findings_carry_lines_and_its_absence_is_said_once() {
    let ws = Workspace::new();
    ws.runbook("LIN-SC-001")
        .probe("#!/bin/sh\nfor f in $(ls /etc/*.conf); do\n  test -f $f\ndone\n")
        .create();
    ws.runbook("LIN-SC-002").create();
    let (code, stdout, stderr) = lint(&ws, &[]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("shellcheck [warning] probe:2: SC2045"),
        "{stdout}\n{stderr}"
    );

    // Without shellcheck on the PATH: one note, no findings, same exit code.
    let output = ws
        .comply()
        .env("PATH", "/nonexistent")
        .args(["lint", "runbooks"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.matches("shellcheck is not installed").count(),
        1,
        "{stderr}"
    );
    assert!(!String::from_utf8(output.stdout).unwrap().contains("SC2045"));
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn strict_lint_report_validates() {
    let ws = Workspace::new();
    ws.runbook("LIN-A-001").remediate("true\n").create();
    ws.runbook("LIN-B-001").create();
    let (code, _, _) = lint(&ws, &["--junit-strict"]);
    assert_eq!(code, 1);
    validate_with_xsd(&ws.join("lint.xml")).unwrap();
}

#[test]
fn bad_input_to_lint_is_exit_2() {
    let ws = Workspace::new();
    ws.write(
        "b.json",
        "{\"schema\": \"comply.runbooks/v1\", \"runbooks\": [{\"id\": \"X\"}]}",
    );
    let output = ws
        .comply()
        .args(["lint", "b.json"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("b.json:1:"));
}

#[rstest]
#[case::table("table")]
#[case::markdown("markdown")]
fn coverage_lists_every_citation_technical_first(#[case] format: &str) {
    let ws = Workspace::new();
    let output = ws
        .comply()
        .args(["list", "--coverage", "--format", format])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let first_row = if format == "markdown" {
        lines[2]
    } else {
        lines[1]
    };
    assert!(
        first_row.contains("164.312(a)(1)"),
        "technical safeguards first:\n{text}"
    );
    let audit = lines.iter().find(|l| l.contains("164.312(b)")).unwrap();
    assert!(
        audit.contains("Audit controls") && audit.contains("LIN-LOG-001"),
        "{audit}"
    );
    let sanction = lines
        .iter()
        .find(|l| l.contains("164.308(a)(1)(ii)(C)"))
        .unwrap();
    assert!(sanction.contains("Sanction policy") && sanction.contains("manual / not automated"));
    let logoff = lines
        .iter()
        .find(|l| l.contains("164.312(a)(2)(iii)"))
        .unwrap();
    assert!(logoff.contains("addressable"));
    for section in ["164.308", "164.310", "164.314", "164.316"] {
        assert!(text.contains(section), "{section} missing");
    }
    assert!(text.contains("Subpart C citations are checked by a runbook"));
}

#[test]
fn coverage_as_json() {
    let ws = Workspace::new();
    let output = ws
        .comply()
        .args(["list", "--coverage", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schema"], "comply.coverage/v1");
    let citations = json["citations"].as_array().unwrap();
    assert_eq!(citations[0]["family"], "technical");
    let audit = citations
        .iter()
        .find(|c| c["citation"] == "164.312(b)")
        .unwrap();
    assert_eq!(audit["requirement"], "required");
    assert_eq!(audit["standard"], true);
    assert!(
        audit["runbooks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "LIN-LOG-001")
    );
}
