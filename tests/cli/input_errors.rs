//! Bad input gets a clear error — file, line, column, field, what was
//! expected — exit code 2, nothing runs, and no report is written.

use rstest::rstest;

use crate::support::Workspace;

const GOOD_RUNBOOK: &str = r#"{
      "id": "LIN-LOG-001",
      "title": "Journald keeps logs",
      "hipaa": ["164.312(b)"],
      "tier": "L1",
      "probe_script": "touch \"$RAN_MARKER\"",
      "remediate_script": "touch /dev/null"
    }"#;

fn bundle(runbooks: &[&str]) -> String {
    format!(
        "{{\n  \"schema\": \"comply.runbooks/v1\",\n  \"runbooks\": [\n    {}\n  ]\n}}\n",
        runbooks.join(",\n    ")
    )
}

/// The probe of every runbook here creates the file `$RAN_MARKER`, so a
/// run that started any step leaves it behind.
const MARKER_PROBE: &str = "touch \"$RAN_MARKER\"\n";

/// Runs `comply run` on a bundle with the marker probe and checks the error.
fn assert_rejected(ws: &Workspace, args: &[&str], expected: &[&str]) {
    let mut all = args.to_vec();
    all.extend(["--junit", "report.xml", "--json", "report.json"]);
    assert_refused(ws, &all, expected);
    assert!(
        !ws.join("report.xml").exists(),
        "no report for invalid input"
    );
    assert!(
        !ws.join("report.json").exists(),
        "no report for invalid input"
    );
}

/// Runs `comply run ARGS`, expecting exit 2 with every `expected` text on
/// stderr, and no step started.
fn assert_refused(ws: &Workspace, args: &[&str], expected: &[&str]) {
    let output = ws
        .comply()
        .env("RAN_MARKER", ws.join("ran"))
        .arg("run")
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    for needle in expected {
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
    }
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        !ws.join("ran").exists(),
        "nothing runs when input is invalid"
    );
}

/// The control for `assert_rejected`'s "nothing runs": the same runbooks,
/// given valid input, do leave the marker.
#[test]
fn the_marker_probe_marks_a_run_that_starts() {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK]));
    ws.comply()
        .env("RAN_MARKER", ws.join("ran"))
        .args(["run", "--runbooks", "b.json"])
        .assert()
        .code(0);
    assert!(ws.join("ran").exists(), "the bundle's probe marks a run");

    let ws = suite_workspace("name = \"s\"\nrunbooks = [\"runbooks\"]\n");
    ws.comply()
        .env("RAN_MARKER", ws.join("ran"))
        .args(["run", "--suite", "suite.toml"])
        .assert()
        .code(0);
    assert!(ws.join("ran").exists(), "the suite's probe marks a run");
}

#[rstest]
#[case::misspelt_field(
    &GOOD_RUNBOOK.replace("remediate_script", "remediate_scirpt"),
    &["b.json:10:", "field `runbooks[0].remediate_scirpt`", "unknown field `remediate_scirpt`", "did you mean `remediate_script`?"]
)]
#[case::unknown_citation(
    &GOOD_RUNBOOK.replace("164.312(b)", "164.312(z)"),
    &["b.json:7:", "field `runbooks[0].hipaa[0]`", "`164.312(z)` is not a 45 CFR 164 Subpart C citation"]
)]
#[case::bare_standard_citation(
    &GOOD_RUNBOOK.replace("164.312(b)", "164.308(a)(7)"),
    &["did you mean `164.308(a)(7)(i)`?"]
)]
#[case::no_citation(
    &GOOD_RUNBOOK.replace("\"164.312(b)\"", ""),
    &["field `runbooks[0].hipaa`", "at least one"]
)]
#[case::bad_tier(
    &GOOD_RUNBOOK.replace("\"L1\"", "\"L4\""),
    &["b.json:8:", "field `runbooks[0].tier`", "unknown variant `L4`, expected one of `L1`, `L2`, `L3`"]
)]
#[case::bad_platform(
    &GOOD_RUNBOOK.replace("\"tier\"", "\"platforms\": [\"Debian\"], \"tier\""),
    &["field `runbooks[0].platforms[0]`", "`Debian` is not valid: expected an /etc/os-release ID"]
)]
#[case::missing_probe(
    &GOOD_RUNBOOK.replace("\"probe_script\": \"touch \\\"$RAN_MARKER\\\"\",", ""),
    &["b.json:", "missing field `probe_script`"]
)]
#[case::l1_without_remediation(
    &GOOD_RUNBOOK.replace(",\n      \"remediate_script\": \"touch /dev/null\"", ""),
    &["field `runbooks[0].remediate_script`", "is required for tier L1"]
)]
#[case::bad_id(
    &GOOD_RUNBOOK.replace("LIN-LOG-001", "lin log"),
    &["b.json:5:", "field `runbooks[0].id`", "upper-case letters"]
)]
#[case::wrong_type(
    &GOOD_RUNBOOK.replace("\"touch \\\"$RAN_MARKER\\\"\"", "42"),
    &["field `runbooks[0].probe_script`", "a script, or an object of platform"]
)]
fn bundle_errors(#[case] runbook: &str, #[case] expected: &[&str]) {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[runbook]));
    assert_rejected(&ws, &["--runbooks", "b.json"], expected);
}

#[test]
fn duplicate_ids_name_both_places() {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK, GOOD_RUNBOOK]));
    assert_rejected(
        &ws,
        &["--runbooks", "b.json"],
        &["duplicate runbook id `LIN-LOG-001`", "b.json#LIN-LOG-001"],
    );
}

#[test]
fn duplicate_ids_across_sources() {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK]));
    ws.runbook("LIN-LOG-001").create();
    assert_rejected(
        &ws,
        &["--runbooks", "b.json", "--runbooks", "runbooks"],
        &["duplicate runbook id `LIN-LOG-001`"],
    );
}

#[test]
fn json_syntax_errors_have_a_position() {
    let ws = Workspace::new();
    ws.write(
        "b.json",
        "{\n  \"schema\": \"comply.runbooks/v1\",\n  \"runbooks\": [,]\n}\n",
    );
    assert_rejected(&ws, &["--runbooks", "b.json"], &["b.json:3:16:"]);
}

#[test]
fn unsupported_bundle_schema() {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK]).replace("v1", "v9"));
    assert_rejected(
        &ws,
        &["--runbooks", "b.json"],
        &["field `schema`", "expected `comply.runbooks/v1`"],
    );
}

#[test]
fn missing_runbook_path() {
    let ws = Workspace::new();
    assert_rejected(
        &ws,
        &["--runbooks", "nowhere"],
        &["nowhere: no such file or directory"],
    );
}

#[test]
fn runbook_directory_errors() {
    let ws = Workspace::new();
    ws.runbook("T-001")
        .probe(MARKER_PROBE)
        .toml("timeout_s = 0")
        .create();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["runbook.toml:5:", "field `timeout_s`", "at least 1 second"],
    );

    let ws = Workspace::new();
    let dir = ws.runbook("T-002").probe(MARKER_PROBE).create();
    std::fs::rename(dir.join("remediate.sh"), dir.join("remdiate.sh")).unwrap();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &[
            "remdiate.sh: unexpected script",
            "did you mean `remediate.sh`?",
        ],
    );

    let ws = Workspace::new();
    ws.runbook("T-003")
        .probe(MARKER_PROBE)
        .toml("probe_script = \"exit 0\"")
        .create();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["field `probe_script`", "unknown field"],
    );

    let ws = Workspace::new();
    let dir = ws.runbook("T-004").probe(MARKER_PROBE).create();
    std::fs::rename(&dir, ws.join("runbooks/T-005")).unwrap();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["id `T-004` differs from its directory name `T-005`"],
    );

    let ws = Workspace::new();
    ws.runbook("T-006")
        .probe(MARKER_PROBE)
        .tier("L3")
        .remediate("touch /dev/null")
        .create();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["L3 runbooks are never remediated automatically"],
    );
}

fn suite_workspace(suite: &str) -> Workspace {
    let ws = Workspace::new();
    ws.runbook("LIN-LOG-001")
        .toml("[inputs]\nlog_retention_days = 90\nhosts = [\"a\"]")
        .probe(MARKER_PROBE)
        .create();
    ws.write("suite.toml", suite);
    ws
}

#[rstest]
#[case::unknown_suite_field(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\nwaviers = []\n",
    &["suite.toml:3:1:", "unknown field `waviers`", "did you mean `waivers`?"]
)]
#[case::undeclared_input(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\n[inputs]\nlog_retention_dys = 30\n",
    &["suite.toml:4:", "field `inputs.log_retention_dys`", "no loaded runbook declares an input", "did you mean `log_retention_days`?"]
)]
#[case::input_of_the_wrong_kind(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\n[inputs]\nlog_retention_days = \"ninety\"\n",
    &["suite.toml:4:", "is a string but the runbooks' default `90` is an integer"]
)]
#[case::waiver_without_an_owner(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\n[[waivers]]\nrunbook = \"LIN-LOG-001\"\nreason = \"r\"\nexpires = \"2030-01-01\"\napproved_by = \"CISO\"\n",
    &["field `waivers[0].owner`", "waivers_require_approval = false"]
)]
#[case::waiver_without_an_approver(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\n[[waivers]]\nrunbook = \"LIN-LOG-001\"\nreason = \"r\"\nexpires = \"2030-01-01\"\nowner = \"ops\"\napproved_by = \" \"\n",
    &["field `waivers[0].approved_by`"]
)]
#[case::waiver_with_a_bad_date(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\n[[waivers]]\nrunbook = \"LIN-LOG-001\"\nreason = \"r\"\nexpires = \"31/01/2030\"\n",
    &["suite.toml:6:", "field `waivers[0].expires`", "YYYY-MM-DD"]
)]
#[case::waiver_without_expiry(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\n[[waivers]]\nrunbook = \"LIN-LOG-001\"\nreason = \"r\"\n",
    &["field `waivers[0]`", "missing field `expires`"]
)]
#[case::bad_select_glob(
    "name = \"s\"\nrunbooks = [\"runbooks\"]\n[select]\ninclude = [\"LIN-[\"]\n",
    &["field `select.include`", "not a valid glob"]
)]
#[case::toml_syntax(
    "name = \"s\"\nrunbooks = [\"runbooks\"\n",
    &["suite.toml:2:"]
)]
fn suite_errors(#[case] suite: &str, #[case] expected: &[&str]) {
    let ws = suite_workspace(suite);
    assert_rejected(&ws, &["--suite", "suite.toml"], expected);
}

#[rstest]
#[case::unknown_input(&["--input", "log_retention=30"], &["--input", "no loaded runbook declares an input `log_retention`"])]
#[case::wrong_kind(&["--input", "log_retention_days=ninety"], &["`ninety` is not an integer"])]
#[case::no_equals(&["--input", "log_retention_days"], &["expected `NAME=VALUE`"])]
fn input_override_errors(#[case] args: &[&str], #[case] expected: &[&str]) {
    let ws = suite_workspace("name = \"s\"\nrunbooks = [\"runbooks\"]\n");
    let mut all = vec!["--suite", "suite.toml"];
    all.extend_from_slice(args);
    assert_rejected(&ws, &all, expected);
}

#[test]
fn report_in_a_missing_directory_is_refused_before_running() {
    let ws = Workspace::new();
    let ran = ws.join("ran");
    ws.runbook("T-001")
        .toml(&format!("[inputs]\nflag = \"{}\"", ran.display()))
        .probe("touch \"$COMPLY_INPUT_FLAG\"\n")
        .create();
    let output = ws
        .comply()
        .args([
            "run",
            "--runbooks",
            "runbooks",
            "--junit",
            "no/such/dir/r.xml",
        ])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("directory `no/such/dir` does not exist")
    );
    assert!(!ran.exists());
}

#[rstest]
#[case::unknown_target(&["run", "--target", "telnet:host"], "unknown target `telnet:host`")]
#[case::allow_tier_without_remediate(&["run", "--allow-tier", "L2"], "--remediate")]
#[case::bad_allow_tier(&["run", "--remediate", "--allow-tier", "L3"], "invalid value 'L3'")]
#[case::zero_timeout(&["run", "--timeout", "0"], "--timeout")]
#[case::unknown_subcommand(&["frobnicate"], "unrecognized subcommand")]
fn usage_errors(#[case] args: &[&str], #[case] expected: &str) {
    let ws = Workspace::new();
    let output = ws.comply().args(args).assert().code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(expected), "{stderr}");
}

/// A target that ssh or the engine would read as an option is invalid
/// input: `ssh:-V` once ran `ssh -V` for every step, which exits 0, so every
/// probe "passed".
#[rstest]
#[case::ssh_option(&["--target", "ssh:-V"], "target `ssh:-V`: host name `-V` starts with `-`")]
#[case::ssh_option_as_user(&["--target", "ssh:-oProxyCommand=id@host"], "user name `-oProxyCommand=id` starts with `-`")]
#[case::docker_option(&["--target", "docker:-V"], "target `docker:-V`: container name `-V` starts with `-`")]
#[case::whitespace(&["--target", "ssh:host -V"], "whitespace or control")]
#[case::control(&["--target", "ssh:host\u{1b}[2J"], "whitespace or control")]
fn target_names_that_read_as_options_are_refused(#[case] args: &[&str], #[case] expected: &str) {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK]));
    let mut all = vec!["--runbooks", "b.json"];
    all.extend_from_slice(args);
    assert_rejected(&ws, &all, &[expected]);
}

#[test]
fn an_inventory_line_that_reads_as_an_option_is_refused_at_its_place() {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK]));
    ws.write("inventory", "# fleet\r\nhost-a\r\n  -V\r\n");
    assert_rejected(
        &ws,
        &["--runbooks", "b.json", "--inventory", "inventory"],
        &["inventory:3:3: target `ssh:-V`: host name `-V` starts with `-`"],
    );
}

/// Every report destination is checked before any step, so a run (maybe a
/// remediating one) never changes a host and then loses its report.
#[rstest]
#[case::junit_at_a_directory(&["--junit", "."], "cannot write `.`: it is a directory")]
#[case::junit_under_proc(&["--junit", "/proc/comply.xml"], "cannot create a file in `/proc`")]
#[case::json_at_a_device(&["--json", "/dev/null"], "`/dev/null`: it exists and is not a regular file")]
#[case::junit_and_json_the_same(&["--junit", "r.xml", "--json", "./r.xml"], "--junit and --json both name")]
#[case::evidence_over_a_report(&["--json", "r", "--evidence", "r"], "--json and --evidence both name")]
#[case::evidence_not_empty(&["--evidence", "full"], "evidence directory `full` is not empty")]
#[case::evidence_a_link(&["--evidence", "link"], "cannot be opened as a directory (not a link)")]
#[case::evidence_in_a_missing_directory(&["--evidence", "no/such"], "cannot create evidence directory `no/such`")]
#[case::nothing_selected(&["--only", "LIN-NOPE-*"], "no runbook selected (--only LIN-NOPE-*)")]
fn bad_destinations_and_empty_selections_are_refused_before_running(
    #[case] args: &[&str],
    #[case] expected: &str,
) {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK]));
    ws.write("full/old-evidence.txt", "x");
    std::fs::create_dir(ws.join("empty")).unwrap();
    std::os::unix::fs::symlink(ws.join("empty"), ws.join("link")).unwrap();
    let mut all = vec!["--runbooks", "b.json"];
    all.extend_from_slice(args);
    assert_refused(&ws, &all, &[expected]);
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device(),
        "/dev/null is still the device"
    );
}

#[test]
fn evidence_in_another_users_directory_is_refused() {
    if !crate::support::is_root() {
        eprintln!("skipped: only root can give a directory to another user to set this up");
        return;
    }
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[GOOD_RUNBOOK]));
    std::fs::create_dir(ws.join("theirs")).unwrap();
    std::os::unix::fs::chown(ws.join("theirs"), Some(65534), Some(65534)).unwrap();
    assert_refused(
        &ws,
        &["--runbooks", "b.json", "--evidence", "theirs"],
        &["evidence directory `theirs` belongs to uid 65534"],
    );
}

/// Input that once passed loading and then panicked (exit 101, no report).
#[test]
fn numbers_and_names_are_bounded_at_load() {
    let ws = Workspace::new();
    ws.runbook("T-001")
        .probe(MARKER_PROBE)
        .toml("timeout_s = 18446744073709551615")
        .create();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["field `timeout_s`", "longest timeout, 86400 seconds"],
    );

    let ws = Workspace::new();
    let long_id = "A".repeat(70_000);
    ws.write(
        "b.json",
        bundle(&[&GOOD_RUNBOOK.replace("LIN-LOG-001", &long_id)]),
    );
    assert_rejected(
        &ws,
        &["--runbooks", "b.json"],
        &[
            "field `runbooks[0].id`",
            "is 70000 bytes long: names are at most 128",
        ],
    );
}

/// Values scripts could never receive are refused at load, with the field,
/// rather than failing every step as a target-error.
#[rstest]
#[case::nul_in_a_default(
    &GOOD_RUNBOOK.replace("\"tier\"", "\"inputs\": {\"x\": \"a\\u0000b\"}, \"tier\""),
    "input `x` contains a NUL byte"
)]
#[case::duplicate_input(
    &GOOD_RUNBOOK.replace("\"tier\"", "\"inputs\": {\"x\": \"a\", \"x\": \"b\"}, \"tier\""),
    "input `x` is given twice"
)]
#[case::huge_default(
    &GOOD_RUNBOOK.replace("\"tier\"", &format!("\"inputs\": {{\"x\": \"{}\"}}, \"tier\"", "v".repeat(200_000))),
    "input `x` is 200000 bytes long"
)]
fn undeliverable_input_values(#[case] runbook: &str, #[case] expected: &str) {
    let ws = Workspace::new();
    ws.write("b.json", bundle(&[runbook]));
    assert_rejected(
        &ws,
        &["--runbooks", "b.json"],
        &["field `runbooks[0].inputs`", expected],
    );
}

#[test]
fn undeliverable_suite_values_and_ambiguous_scripts() {
    let ws = suite_workspace(&format!(
        "name = \"s\"\nrunbooks = [\"runbooks\"]\n[inputs]\nhosts = [\"{}\"]\n",
        "h".repeat(140_000)
    ));
    assert_rejected(
        &ws,
        &["--suite", "suite.toml"],
        &[
            "suite.toml:4:",
            "field `inputs.hosts`",
            "is 140000 bytes long",
        ],
    );

    let ws = Workspace::new();
    let dir = ws.runbook("T-001").probe(MARKER_PROBE).create();
    std::fs::write(dir.join("probe.default.sh"), "exit 0\n").unwrap();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["probe.default.sh: ambiguous: the default probe script is `probe.sh`"],
    );
}

/// What the loader reads is bounded: no link out of a runbook, no FIFO or
/// device, no file or script over its size.
#[test]
fn links_devices_fifos_and_huge_files_are_refused_before_reading() {
    let ws = Workspace::new();
    let dir = ws.runbook("T-001").probe(MARKER_PROBE).create();
    std::fs::remove_file(dir.join("remediate.sh")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.join("remediate.sh")).unwrap();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["remediate.sh: is a link leading out of"],
    );

    // A link inside the runbook's own directory is fine.
    let ws = Workspace::new();
    let dir = ws.runbook("T-001").create();
    std::fs::rename(dir.join("remediate.sh"), dir.join("heal")).unwrap();
    std::os::unix::fs::symlink("heal", dir.join("remediate.sh")).unwrap();
    ws.comply()
        .args(["list", "--runbooks", "runbooks"])
        .assert()
        .code(0);

    let ws = Workspace::new();
    assert_rejected(
        &ws,
        &["--runbooks", "/dev/zero"],
        &["/dev/zero: not a regular file"],
    );

    let ws = Workspace::new();
    let dir = ws.runbook("T-001").probe(MARKER_PROBE).create();
    std::fs::remove_file(dir.join("remediate.sh")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(dir.join("remediate.sh"))
        .status()
        .unwrap();
    assert!(fifo.success());
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["remediate.sh: not a regular file"],
    );

    let ws = Workspace::new();
    ws.runbook("T-001")
        .probe(MARKER_PROBE)
        .remediate(&format!("# {}\n", "x".repeat(1024 * 1024)))
        .create();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["remediate.sh: is 1048579 bytes: files of this kind are at most 1048576 bytes"],
    );

    let ws = Workspace::new();
    // A script travels as one argument, which holds at most 128 KiB.
    let huge = format!("\"# {}\"", "x".repeat(200 * 1024));
    ws.write(
        "b.json",
        bundle(&[&GOOD_RUNBOOK.replace("\"touch /dev/null\"", &huge)]),
    );
    assert_rejected(
        &ws,
        &["--runbooks", "b.json"],
        &[
            "field `runbooks[0].remediate_script`",
            "a script is at most 130048 bytes",
        ],
    );
    let ws = Workspace::new();
    ws.runbook("T-001")
        .probe(MARKER_PROBE)
        .remediate(&format!("# {}\n", "x".repeat(200 * 1024)))
        .create();
    assert_rejected(
        &ws,
        &["--runbooks", "runbooks"],
        &["remediate.sh: is 204803 bytes: a script is at most 130048 bytes"],
    );
}
