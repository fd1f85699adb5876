//! Signed evidence: `--sign KEY`, `comply keygen`, `comply verify`, and
//! agreement with the `minisign` tool auditors may already have.

use std::path::Path;
use std::process::Command as Process;

use predicates::prelude::*;
use rstest::rstest;

use crate::support::{Workspace, is_root};

/// Two runbooks (one failing) run with evidence signed by a key from
/// `comply keygen`.
fn signed_run(ws: &Workspace) {
    ws.runbook("LIN-A-001")
        .probe("echo fine\nexit 0\n")
        .create();
    ws.runbook("LIN-B-001")
        .probe("echo retention=30\nexit 1\n")
        .create();
    ws.comply()
        .args(["keygen", "-o", "auditor"])
        .assert()
        .success();
    ws.run()
        .args(["--evidence", "evidence", "--sign", "auditor.key"])
        .assert()
        .code(1);
}

fn verify(ws: &Workspace, key: &str) -> assert_cmd::assert::Assert {
    ws.comply()
        .args(["verify", "evidence", "--key", key])
        .assert()
}

#[test]
fn signed_evidence_verifies_and_the_minisign_tool_agrees() {
    let ws = Workspace::new();
    signed_run(&ws);
    verify(&ws, "auditor.pub")
        .code(0)
        .stdout(predicate::str::contains(
            "11 files match the signed MANIFEST.sha256",
        ))
        .stdout(predicate::str::contains("runbooks-sha256"));
    let minisign = Process::new("minisign")
        .args(["-V", "-m", "evidence/MANIFEST.sha256", "-p", "auditor.pub"])
        .current_dir(ws.path())
        .output()
        .expect("minisign is installed (ci/install)");
    let said = String::from_utf8_lossy(&minisign.stdout);
    assert!(minisign.status.success(), "{said}");
    // The signed comment names what ran.
    assert!(
        said.contains("Trusted comment: comply ") && said.contains("hosts \"local="),
        "{said}"
    );
    // The manifest covers the run's report, which names version, suite,
    // runbooks hash, hosts and times.
    assert!(
        ws.read("evidence/MANIFEST.sha256")
            .contains("  report.json\n")
    );
}

#[rstest]
#[case::one_changed_byte("changed: local/LIN-B-001/01-probe.stdout")]
#[case::an_added_file("added: local/LIN-B-001/extra.txt")]
#[case::a_removed_file("removed: local/LIN-A-001/verdict.txt")]
#[case::a_file_replaced_by_a_link("changed: report.json")]
#[case::a_fifo("added: local/LIN-B-001/pipe")]
#[case::an_empty_directory("added: local/empty/")]
#[case::a_manifest_below_the_root("added: local/MANIFEST.sha256")]
#[case::a_name_that_redraws_the_line("added: local/x\\rverified")]
fn verify_names_what_differs_from_the_signed_manifest(#[case] expected: &str) {
    let ws = Workspace::new();
    signed_run(&ws);
    let evidence = ws.join("evidence");
    match expected.split(':').next().unwrap() {
        "changed" if expected.contains("report.json") => {
            // Same bytes, but no longer the file that was signed.
            let report = evidence.join("report.json");
            std::fs::rename(&report, ws.join("outside.json")).unwrap();
            std::os::unix::fs::symlink(ws.join("outside.json"), &report).unwrap();
        }
        "changed" => {
            let path = evidence.join("local/LIN-B-001/01-probe.stdout");
            let mut bytes = std::fs::read(&path).unwrap();
            bytes[0] ^= 1; // one bit of one byte
            std::fs::write(&path, bytes).unwrap();
        }
        "added" if expected.contains("pipe") => {
            let made = Process::new("mkfifo")
                .arg(evidence.join("local/LIN-B-001/pipe"))
                .status()
                .unwrap();
            assert!(made.success());
        }
        "added" if expected.contains("empty") => {
            std::fs::create_dir(evidence.join("local/empty")).unwrap();
        }
        "added" if expected.contains("verified") => {
            std::fs::write(evidence.join("local/x\rverified"), "x").unwrap();
        }
        "added" if expected.contains("MANIFEST") => {
            std::fs::copy(
                evidence.join("MANIFEST.sha256"),
                evidence.join("local/MANIFEST.sha256"),
            )
            .unwrap();
        }
        "added" => {
            std::fs::write(evidence.join("local/LIN-B-001/extra.txt"), "x").unwrap();
        }
        _ => std::fs::remove_file(evidence.join("local/LIN-A-001/verdict.txt")).unwrap(),
    }
    let output = verify(&ws, "auditor.pub").code(1).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(expected), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one difference: {stderr}");
    assert!(output.stdout.is_empty(), "no success line");
}

/// A case directory swapped for a link to an identical copy is not the
/// directory that was signed: nothing is read through the link.
#[test]
fn a_directory_replaced_by_a_link_is_not_followed() {
    let ws = Workspace::new();
    signed_run(&ws);
    let case = ws.join("evidence/local/LIN-A-001");
    std::fs::create_dir(ws.join("copy")).unwrap();
    for entry in std::fs::read_dir(&case).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), ws.join("copy").join(entry.file_name())).unwrap();
    }
    std::fs::remove_dir_all(&case).unwrap();
    std::os::unix::fs::symlink(ws.join("copy"), &case).unwrap();
    verify(&ws, "auditor.pub")
        .code(1)
        .stderr(predicate::str::contains("added: local/LIN-A-001 "))
        .stderr(predicate::str::contains(
            "removed: local/LIN-A-001/verdict.txt",
        ));
}

#[test]
fn a_changed_manifest_no_longer_matches_its_signature() {
    let ws = Workspace::new();
    signed_run(&ws);
    // Hide a changed file by rewriting its line in the manifest.
    let manifest = ws.read("evidence/MANIFEST.sha256");
    let path = ws.join("evidence/local/LIN-B-001/01-probe.stdout");
    std::fs::write(&path, "retention=90\n").unwrap();
    let forged: String = manifest
        .lines()
        .map(|line| {
            if line.ends_with("LIN-B-001/01-probe.stdout") {
                format!(
                    "{}  local/LIN-B-001/01-probe.stdout\n",
                    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b"retention=90\n"))
                )
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    ws.write("evidence/MANIFEST.sha256", forged);
    verify(&ws, "auditor.pub")
        .code(1)
        .stderr(predicate::str::contains(
            "MANIFEST.sha256 does not match its signature",
        ));
}

/// A signature copied from another run's evidence does not verify (1);
/// the run it names is given as a hint, never as a verdict: the comment
/// that names it is not what failed to verify.
#[test]
fn a_signature_of_another_run_fails_naming_that_run() {
    let ws = Workspace::new();
    signed_run(&ws);
    std::fs::rename(ws.join("evidence"), ws.join("first")).unwrap();
    ws.run()
        .args(["--evidence", "evidence", "--sign", "auditor.key"])
        .assert()
        .code(1);
    std::fs::copy(
        ws.join("first/MANIFEST.sha256.minisig"),
        ws.join("evidence/MANIFEST.sha256.minisig"),
    )
    .unwrap();
    verify(&ws, "auditor.pub")
        .code(1)
        .stderr(predicate::str::contains("does not match its signature"))
        .stderr(predicate::str::contains(
            "it may be another run's signature",
        ));
}

#[test]
fn a_key_made_by_minisign_signs_and_keys_of_the_wrong_kind_are_refused() {
    let ws = Workspace::new();
    ws.runbook("LIN-A-001").create();
    let made = Process::new("minisign")
        .args(["-G", "-W", "-p", "tool.pub", "-s", "tool.key"])
        .current_dir(ws.path())
        .output()
        .expect("minisign is installed (ci/install)");
    assert!(made.status.success(), "{made:?}");
    ws.run()
        .args(["--evidence", "evidence", "--sign", "tool.key"])
        .assert()
        .code(0);
    verify(&ws, "tool.pub").code(0);

    // Another signer's public key: bad input, not a verdict.
    ws.comply()
        .args(["keygen", "-o", "other"])
        .assert()
        .success();
    verify(&ws, "other.pub")
        .code(2)
        .stderr(predicate::str::contains("was made with key"));
    // A secret key where the public key belongs, and the reverse.
    verify(&ws, "tool.key")
        .code(2)
        .stderr(predicate::str::contains(
            "is a secret key; --key expects the public key",
        ));
    ws.run()
        .args(["--evidence", "evidence2", "--sign", "tool.pub"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a minisign public key; --sign expects the secret key",
        ));
    assert!(!ws.join("evidence2").exists(), "nothing ran");
    // Signing needs somewhere to put the signature.
    ws.run()
        .args(["--sign", "tool.key"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--evidence"));
    // keygen never overwrites a key, nor leaves half a pair.
    std::fs::remove_file(ws.join("other.key")).unwrap();
    ws.comply()
        .args(["keygen", "-o", "other"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`other.pub` exists"));
    assert!(!ws.join("other.key").exists());
    // A report inside the evidence directory is refused before the run.
    std::fs::create_dir(ws.join("ev3")).unwrap();
    ws.run()
        .args(["--evidence", "ev3", "--html", "ev3/page.html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is inside the evidence directory"));
}

#[test]
fn a_truncated_signature_or_an_unsigned_directory_is_bad_input() {
    let ws = Workspace::new();
    signed_run(&ws);
    let signature = ws.read("evidence/MANIFEST.sha256.minisig");
    ws.write(
        "evidence/MANIFEST.sha256.minisig",
        &signature[..signature.len() / 2],
    );
    verify(&ws, "auditor.pub")
        .code(2)
        .stderr(predicate::str::contains("is not a minisign signature"));
    std::fs::remove_file(ws.join("evidence/MANIFEST.sha256.minisig")).unwrap();
    verify(&ws, "auditor.pub")
        .code(2)
        .stderr(predicate::str::contains("MANIFEST.sha256.minisig"));
}

#[test]
fn a_password_protected_key_signs_only_with_its_password() {
    let ws = Workspace::new();
    ws.runbook("LIN-A-001").create();
    let pair = minisign::KeyPair::generate_encrypted_keypair(Some("s3cret".to_owned())).unwrap();
    ws.write("locked.key", pair.sk.to_box(None).unwrap().into_string());
    ws.write("locked.pub", pair.pk.to_box().unwrap().into_string());
    ws.run()
        .args(["--evidence", "e1", "--sign", "locked.key"])
        .env_remove("COMPLY_KEY_PASSWORD")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("set COMPLY_KEY_PASSWORD"));
    ws.run()
        .args(["--evidence", "e2", "--sign", "locked.key"])
        .env("COMPLY_KEY_PASSWORD", "wrong")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot unlock"));
    ws.run()
        .args(["--evidence", "evidence", "--sign", "locked.key"])
        .env("COMPLY_KEY_PASSWORD", "s3cret")
        .assert()
        .code(0);
    verify(&ws, "locked.pub").code(0);
}

/// One case directory that cannot be read: never verified (exit 2).
#[test]
fn verify_never_succeeds_on_a_directory_it_cannot_read_completely() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    signed_run(&ws);
    let open = |path: &Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let binary = assert_cmd::cargo::cargo_bin("comply");
    let mut command = if is_root() {
        // Root reads everything: verify as `nobody`, for whom everything
        // but evidence/local/LIN-B-001 (0700, root's) is opened up.
        open(ws.path(), 0o755);
        for path in ["evidence", "evidence/local", "evidence/local/LIN-A-001"] {
            open(&ws.join(path), 0o755);
        }
        for entry in walk(&ws.join("evidence")) {
            open(&entry, 0o644);
        }
        open(&ws.join("auditor.pub"), 0o644);
        let mut command = Process::new("setpriv");
        command
            .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            .arg(&binary);
        command
    } else {
        open(&ws.join("evidence/local/LIN-B-001"), 0o000);
        Process::new(&binary)
    };
    let output = command
        .args(["verify", "evidence", "--key", "auditor.pub"])
        .current_dir(ws.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("LIN-B-001") && stderr.contains("nothing is verified"),
        "{stderr}"
    );
    if !is_root() {
        open(&ws.join("evidence/local/LIN-B-001"), 0o700);
    }
}

/// Every regular file below `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if std::fs::read_dir(&path).is_ok() {
                files.extend(walk(&path));
            }
        } else {
            files.push(path);
        }
    }
    files
}
