//! JUnit and JSON reports read back and checked field by field (docs/reports.md).

use crate::support::{Junit, Workspace, validate_with_xsd};

fn sha256(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn three_runbooks(ws: &Workspace) {
    ws.runbook("LIN-B-002")
        .hipaa("164.308(a)(5)(ii)(B)")
        .toml("[inputs]\nretention = 30")
        .probe("echo \"retention=$COMPLY_INPUT_RETENTION step=$COMPLY_STEP rb=$COMPLY_RUNBOOK os=$COMPLY_PLATFORM\"\nexit 1\n")
        .create();
    ws.runbook("LIN-A-001")
        .probe("echo fine\nexit 0\n")
        .create();
    ws.runbook("NET-C-003")
        .tier("L3")
        .hipaa("164.310(a)(2)(iii)")
        .probe("exit 77\n")
        .create();
}

#[test]
fn junit_carries_suite_and_case_properties() {
    let ws = Workspace::new();
    three_runbooks(&ws);
    ws.run().args(["--input", "retention=45"]).assert().code(1);
    let junit = ws.junit();

    assert_eq!(junit.attributes["name"], "comply");
    assert_eq!(junit.attributes["tests"], "3");
    assert_eq!(junit.attributes["failures"], "1");
    assert_eq!(junit.attributes["errors"], "0");
    assert_eq!(junit.attributes["skipped"], "1");
    assert!(junit.attributes.contains_key("timestamp") && junit.attributes.contains_key("time"));

    assert_eq!(junit.suites.len(), 1);
    let suite = &junit.suites[0];
    assert_eq!(suite.attributes["name"], "runbooks @ local");
    assert!(!suite.attributes["hostname"].is_empty());
    assert_eq!(suite.properties["comply.target"], "local");
    assert_eq!(suite.properties["comply.mode"], "check");
    assert_eq!(suite.properties["comply.platform"], "debian");
    assert_eq!(
        suite.properties["comply.version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(suite.properties["input.retention"], "45");
    assert_eq!(suite.properties["comply.runbooks.sha256"].len(), 64);

    // Ordered by runbook id.
    let names: Vec<&str> = suite.cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "164.312(b) LIN-A-001: Runbook LIN-A-001 keeps the host compliant",
            "164.308(a)(5)(ii)(B) LIN-B-002: Runbook LIN-B-002 keeps the host compliant",
            "164.310(a)(2)(iii) NET-C-003: Runbook NET-C-003 keeps the host compliant",
        ]
    );

    let failing = junit.case("LIN-B-002");
    assert_eq!(failing.classname, "local.administrative");
    assert_eq!(failing.element, "failure");
    assert_eq!(failing.properties["comply.hipaa"], "164.308(a)(5)(ii)(B)");
    assert_eq!(failing.properties["comply.tier"], "L1");
    assert_eq!(
        failing.properties["comply.probe.sha256"],
        sha256(&ws.read("runbooks/LIN-B-002/probe.sh"))
    );
    assert_eq!(
        failing.properties["comply.remediate.sha256"],
        sha256(&ws.read("runbooks/LIN-B-002/remediate.sh"))
    );
    // The transcript: step, sha, exit, and what the script printed, with
    // input values coming from the environment.
    assert!(
        failing.system_out.contains("== probe [default] sha256:"),
        "{}",
        failing.system_out
    );
    assert!(failing.system_out.contains(": exit 1 after "));
    assert!(
        failing
            .system_out
            .contains("retention=45 step=probe rb=LIN-B-002 os=debian")
    );

    let l3 = junit.case("NET-C-003");
    assert_eq!(l3.classname, "local.physical");
    assert_eq!(
        l3.properties["comply.remediate.sha256"], "",
        "L3 runbooks have no remediation"
    );
}

#[test]
fn classnames_name_the_safeguard_family() {
    let ws = Workspace::new();
    let families = [
        ("T-ADM", "164.308(a)(1)(ii)(D)", "administrative"),
        ("T-PHY", "164.310(d)(1)", "physical"),
        ("T-TEC", "164.312(e)(1)", "technical"),
        ("T-ORG", "164.314(a)(1)", "organizational"),
        ("T-DOC", "164.316(b)(1)", "documentation"),
    ];
    for (id, citation, _) in families {
        ws.runbook(id).hipaa(citation).create();
    }
    ws.run().assert().code(0);
    let junit = ws.junit();
    for (id, _, family) in families {
        assert_eq!(junit.case(id).classname, format!("local.{family}"));
    }
}

#[test]
fn strict_junit_validates_against_junit_10_xsd() {
    let ws = Workspace::new();
    three_runbooks(&ws);
    ws.runbook("T-ERR").probe("exit 9\n").create();
    ws.run().arg("--junit-strict").assert().code(1);
    validate_with_xsd(&ws.join("report.xml")).expect("strict output validates");
    let junit = ws.junit();
    assert!(!junit.attributes.contains_key("skipped"));
    assert!(
        junit.cases().all(|c| c.properties.is_empty()),
        "no test case properties in strict output"
    );
    assert_eq!(
        junit.suites[0].properties["comply.mode"], "check",
        "suite properties stay"
    );
}

#[test]
fn default_junit_is_rejected_by_the_strict_schema_only_for_its_extensions() {
    let ws = Workspace::new();
    three_runbooks(&ws);
    ws.run().assert().code(1);
    let error = validate_with_xsd(&ws.join("report.xml"))
        .expect_err("the superset carries test case properties");
    assert!(
        error.contains("properties") || error.contains("skipped") || error.contains("timestamp"),
        "{error}"
    );
}

#[test]
fn json_report_has_the_same_facts() {
    let ws = Workspace::new();
    three_runbooks(&ws);
    ws.run().assert().code(1);
    let json = ws.json();
    assert_eq!(json["schema"], "comply.report/v1");
    assert_eq!(json["mode"], "check");
    assert_eq!(json["totals"]["tests"], 3);
    assert_eq!(json["totals"]["failures"], 1);
    assert_eq!(json["totals"]["skipped"], 1);
    assert_eq!(json["totals"]["passed"], 1);
    let junit = ws.junit();
    let target = &json["targets"][0];
    assert_eq!(target["target"], "local");
    assert_eq!(target["platform"], "debian");
    for case in target["cases"].as_array().unwrap() {
        let id = case["runbook"].as_str().unwrap();
        let xml = junit.case(id);
        assert_eq!(case["outcome"], xml.outcome());
        assert_eq!(case["name"], xml.name.as_str());
        assert_eq!(case["classname"], xml.classname.as_str());
        assert_eq!(
            case["probe_sha256"],
            xml.properties["comply.probe.sha256"].as_str()
        );
    }
    let failing = &target["cases"][1];
    assert_eq!(failing["runbook"], "LIN-B-002");
    assert_eq!(failing["kind"], "failure");
    assert_eq!(failing["steps"][0]["exit"]["code"], 1);
    assert!(
        failing["steps"][0]["stdout"]
            .as_str()
            .unwrap()
            .contains("retention=30")
    );
}

#[test]
fn reports_replace_older_ones_whole() {
    let ws = Workspace::new();
    ws.runbook("T-001").create();
    ws.write("report.xml", "stale");
    ws.run().assert().code(0);
    Junit::parse(&ws.read("report.xml"));
    let leftovers: Vec<_> = std::fs::read_dir(ws.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn evidence_holds_what_ran_and_a_manifest_that_checks_it() {
    let ws = Workspace::new();
    three_runbooks(&ws);
    ws.run().args(["--evidence", "evidence"]).assert().code(1);
    let dir = ws.join("evidence/local/LIN-B-002");
    let probe = std::fs::read_to_string(dir.join("01-probe.sh")).unwrap();
    assert_eq!(probe, ws.read("runbooks/LIN-B-002/probe.sh"));
    assert_eq!(
        sha256(&probe),
        ws.junit().case("LIN-B-002").properties["comply.probe.sha256"]
    );
    assert!(
        std::fs::read_to_string(dir.join("01-probe.exit"))
            .unwrap()
            .starts_with("1\n")
    );
    assert!(
        std::fs::read_to_string(dir.join("01-probe.stdout"))
            .unwrap()
            .contains("retention=30")
    );
    assert!(
        std::fs::read_to_string(dir.join("verdict.txt"))
            .unwrap()
            .starts_with("non-compliant: ")
    );
    let check = std::process::Command::new("sha256sum")
        .args(["--check", "--strict", "MANIFEST.sha256"])
        .current_dir(ws.join("evidence"))
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    assert_eq!(
        String::from_utf8_lossy(&check.stdout)
            .matches(": OK")
            .count(),
        1 + 3 * 5,
        "the run's report, and three cases: a verdict and the probe's script, stdout, stderr and exit each"
    );
    let report: serde_json::Value = serde_json::from_str(&ws.read("evidence/report.json")).unwrap();
    assert_eq!(
        report,
        ws.json(),
        "the evidence holds the run's JSON report"
    );

    // Probe output may hold secrets: only the running user can read it.
    let mut seen = 0;
    let mut pending = vec![ws.join("evidence")];
    while let Some(dir) = pending.pop() {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700,
            "{dir:?}"
        );
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                seen += 1;
                assert_eq!(
                    std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                    0o600,
                    "{path:?}"
                );
            }
        }
    }
    assert_eq!(
        seen,
        1 + 3 * 5 + 1,
        "the report, every file and the manifest"
    );

    // Evidence of two runs never mixes.
    let output = ws
        .run()
        .args(["--evidence", "evidence"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("is not empty"));
}

/// Shared shell code (`lib = [...]` → `runbooks/lib/*.sh`) is part of each
/// script before hashing: the hash, the evidence and the bundle all show
/// exactly what ran.
#[test]
fn libraries_are_part_of_the_script_that_ran() {
    let ws = Workspace::new();
    let library = "greet() { echo \"hello from $1\"; }\n";
    ws.write("runbooks/lib/greet.sh", library);
    ws.runbook("LIN-L-001")
        .toml("lib = [\"greet.sh\"]")
        .probe("greet probe\nexit 1\n")
        .create();
    ws.run().args(["--evidence", "evidence"]).assert().code(1);
    let expanded = format!("{library}greet probe\nexit 1\n");
    let case = ws.junit().case("LIN-L-001").clone();
    assert!(
        case.system_out.contains("hello from probe"),
        "{}",
        case.system_out
    );
    assert_eq!(case.properties["comply.probe.sha256"], sha256(&expanded));
    assert_eq!(ws.read("evidence/local/LIN-L-001/01-probe.sh"), expanded);

    ws.comply()
        .args(["bundle", "runbooks", "-o", "bundle.json"])
        .assert()
        .code(0);
    let bundle: serde_json::Value = serde_json::from_str(&ws.read("bundle.json")).unwrap();
    assert_eq!(bundle["runbooks"][0]["probe_script"], expanded.as_str());

    // A name that is no file of lib/ is invalid input at its field.
    ws.runbook("LIN-L-002")
        .toml("lib = [\"../greet.sh\"]")
        .create();
    let output = ws.run().assert().code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("LIN-L-002/runbook.toml: field `lib[0]`: `../greet.sh` is not a library"),
        "{stderr}"
    );
}
