//! `comply list` and `comply bundle`.

use crate::support::Workspace;

#[test]
fn list_shows_the_embedded_suite() {
    let ws = Workspace::new();
    let output = ws
        .comply()
        .arg("list")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let table = String::from_utf8(output.stdout).unwrap();
    let header = table.lines().next().unwrap();
    assert!(
        header.starts_with("ID") && header.contains("TIER") && header.contains("HIPAA"),
        "{table}"
    );
    for id in [
        "LIN-LOG-001",
        "LIN-PATCH-001",
        "LIN-SVC-001",
        "NET-REACH-001",
    ] {
        assert!(table.contains(id), "{id} missing from\n{table}");
    }
}

#[test]
fn list_as_json() {
    let ws = Workspace::new();
    ws.runbook("T-001")
        .toml("platforms = [\"debian\"]\n[inputs]\ndays = 3")
        .create();
    let output = ws
        .comply()
        .args(["list", "--runbooks", "runbooks", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schema"], "comply.list/v1");
    let runbook = &json["runbooks"][0];
    assert_eq!(runbook["id"], "T-001");
    assert_eq!(runbook["tier"], "L1");
    assert_eq!(runbook["platforms"][0], "debian");
    assert_eq!(runbook["inputs"][0], "days");
}

#[test]
fn bundles_are_deterministic_and_load_back() {
    let ws = Workspace::new();
    ws.runbook("T-B")
        .toml("platforms = [\"debian\", \"nixos\"]\n[inputs]\nz = 1\na = \"x\"")
        .create();
    ws.runbook("T-A").create();
    ws.write("runbooks/T-A/remediate.nixos.sh", "mkdir -p /etc/x.d\n");
    ws.write(
        "runbooks/T-A/scenarios/drift.broken.sh",
        "# fixtures: debian12-systemd\nrm -f /x\n",
    );
    ws.comply()
        .args(["bundle", "runbooks", "-o", "one.json"])
        .assert()
        .code(0);
    ws.comply()
        .args(["bundle", "runbooks", "-o", "two.json"])
        .assert()
        .code(0);
    let one = std::fs::read(ws.join("one.json")).unwrap();
    assert_eq!(
        one,
        std::fs::read(ws.join("two.json")).unwrap(),
        "byte-for-byte deterministic"
    );

    let json: serde_json::Value = serde_json::from_slice(&one).unwrap();
    assert_eq!(json["schema"], "comply.runbooks/v1");
    assert_eq!(json["runbooks"][0]["id"], "T-A");
    assert_eq!(
        json["runbooks"][0]["remediate_script"]["nixos"],
        "mkdir -p /etc/x.d\n"
    );
    assert_eq!(
        json["runbooks"][0]["remediate_script"]["default"],
        "touch /dev/null\n"
    );
    assert_eq!(
        json["runbooks"][0]["scenarios"][0]["fixtures"][0],
        "debian12-systemd"
    );

    // The bundle runs like the directory, with the same script hashes.
    ws.run().assert().code(0);
    let from_dir = ws.junit();
    ws.comply()
        .args(["run", "--runbooks", "one.json", "--junit", "report.xml"])
        .assert()
        .code(0);
    let from_bundle = ws.junit();
    for id in ["T-A", "T-B"] {
        assert_eq!(
            from_dir.case(id).properties,
            from_bundle.case(id).properties
        );
    }
}

#[test]
fn bundling_an_empty_directory_is_an_error() {
    let ws = Workspace::new();
    std::fs::create_dir(ws.join("empty")).unwrap();
    ws.comply()
        .args(["bundle", "empty", "-o", "b.json"])
        .assert()
        .code(2);
    assert!(!ws.join("b.json").exists());
}

/// `comply list | head -1`: a reader that stops reading is no reason to
/// panic (exit 101); the output it did not want is dropped.
#[test]
fn a_closed_standard_output_is_not_a_panic() {
    for args in [
        &["list"][..],
        &["list", "--coverage"],
        &["fixtures", "list"],
        &["lint"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("comply"))
            .args(args)
            .env("NO_COLOR", "1")
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(output.status.code(), Some(101), "{args:?}");
    }
}
