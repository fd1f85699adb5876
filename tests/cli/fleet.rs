//! What fleets and CI need around a run: shards (`--partition`) and
//! `comply merge`, Prometheus metrics, rotated run directories, Ansible
//! inventories, completions and man pages — all through the real binary.

use predicates::prelude::*;
use rstest::rstest;

use crate::support::{Junit, Workspace};

/// Twelve runbooks with every kind of result, so shards differ.
fn mixed_suite(ws: &Workspace) {
    for i in 0..12 {
        let probe = match i % 4 {
            0 => "echo fine\nexit 0\n",
            1 => "echo broken\nexit 1\n",
            2 => "exit 77\n",
            _ => "echo confused >&2\nexit 5\n",
        };
        ws.runbook(&format!("LIN-S-{i:03}")).probe(probe).create();
    }
}

/// (target, runbook, outcome, message) of every case of a JSON report.
fn cases(report: &serde_json::Value) -> Vec<(String, String, String, String)> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|target| {
            target["cases"].as_array().unwrap().iter().map(move |case| {
                (
                    target["target"].as_str().unwrap().to_owned(),
                    case["runbook"].as_str().unwrap().to_owned(),
                    case["outcome"].as_str().unwrap().to_owned(),
                    case["message"].as_str().unwrap().to_owned(),
                )
            })
        })
        .collect()
}

fn json(ws: &Workspace, file: &str) -> serde_json::Value {
    serde_json::from_str(&ws.read(file)).unwrap()
}

#[rstest]
#[case("hash", 3)]
#[case("count", 4)]
fn merged_shards_equal_the_unsharded_run(#[case] strategy: &str, #[case] shards: usize) {
    let ws = Workspace::new();
    mixed_suite(&ws);
    let whole = ws.run().assert().code(1);
    let whole_code = whole.get_output().status.code();
    let expected = json(&ws, "report.json");

    let mut files = Vec::new();
    let mut sizes = Vec::new();
    for k in 1..=shards {
        let file = format!("shard-{k}.json");
        ws.comply()
            .args(["run", "--runbooks", "runbooks", "--json", &file])
            .args(["--partition", &format!("{strategy}:{k}/{shards}")])
            .assert()
            .code(predicate::in_iter([0, 1, 3]));
        sizes.push(cases(&json(&ws, &file)).len());
        files.push(file);
    }
    // Every case ran in exactly one shard, and no shard ran them all.
    assert_eq!(sizes.iter().sum::<usize>(), 12, "{sizes:?}");
    assert!(sizes.iter().all(|&size| size < 12), "{sizes:?}");

    let merged = ws
        .comply()
        .arg("merge")
        .args(&files)
        .args(["--json", "merged.json", "--junit", "merged.xml"])
        .assert();
    assert_eq!(merged.get_output().status.code(), whole_code);
    let merged = json(&ws, "merged.json");
    assert_eq!(cases(&merged), cases(&expected));
    assert_eq!(merged["totals"], expected["totals"]);
    assert_eq!(
        merged["targets"][0]["totals"],
        expected["targets"][0]["totals"]
    );
    assert_eq!(
        Junit::parse(&ws.read("merged.xml")).outcomes(),
        ws.junit().outcomes()
    );
}

#[test]
fn merge_refuses_overlapping_shards() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.run().assert().code(1);
    ws.comply()
        .args([
            "merge",
            "report.json",
            "report.json",
            "--json",
            "merged.json",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is also in `report.json`"));
    assert!(!ws.join("merged.json").exists(), "no half-merged report");
}

#[test]
fn merge_refuses_shards_of_different_runs() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.comply()
        .args(["run", "--runbooks", "runbooks", "--json", "a.json"])
        .args(["--partition", "hash:1/2"])
        .assert()
        .code(predicate::in_iter([0, 1, 3]));
    ws.runbook("LIN-S-999").probe("exit 0\n").create();
    ws.comply()
        .args(["run", "--runbooks", "runbooks", "--json", "b.json"])
        .args(["--partition", "hash:2/2"])
        .assert()
        .code(predicate::in_iter([0, 1, 3]));
    ws.comply()
        .args(["merge", "a.json", "b.json", "--junit", "merged.xml"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("b.json").and(predicate::str::contains(
                "`runbooks_sha256` differs from `a.json`'s",
            )),
        );
    assert!(!ws.join("merged.xml").exists());
}

#[rstest]
#[case::other_schema(
    "{\"schema\": \"comply.runbooks/v1\"}",
    "schema `comply.runbooks/v1`; expected `comply.report/v1`"
)]
#[case::truncated(
    "{\"schema\": \"comply.report/v1\", \"mode\": \"ch",
    "bad.json:1:42: field `mode`: EOF"
)]
#[case::missing_field("{\"schema\": \"comply.report/v1\"}", "missing field")]
fn merge_refuses_what_is_not_a_whole_report(#[case] text: &str, #[case] says: &str) {
    let ws = Workspace::new();
    ws.write("bad.json", text);
    ws.comply()
        .args(["merge", "bad.json", "--json", "merged.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.json").and(predicate::str::contains(says)));
    assert!(!ws.join("merged.json").exists());
}

#[rstest]
#[case("hash:0/4")]
#[case("hash:5/4")]
#[case("count:1/0")]
#[case("random:1/2")]
fn a_partition_that_is_not_a_shard_is_invalid_input(#[case] partition: &str) {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.run()
        .args(["--partition", partition])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--partition"));
    assert!(!ws.join("report.xml").exists());
}

#[test]
fn metrics_name_every_case_and_the_totals() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.run().args(["--prom", "comply.prom"]).assert().code(1);
    let prom = ws.read("comply.prom");
    assert!(
        prom.contains(
            "comply_case_outcome{target=\"local\",runbook=\"LIN-S-001\",tier=\"L1\",outcome=\"non-compliant\",status=\"failure\"} 1"
        ),
        "{prom}"
    );
    assert!(
        prom.contains("comply_cases{mode=\"check\",status=\"failures\"} 3"),
        "{prom}"
    );
    assert!(
        prom.contains("comply_cases{mode=\"check\",status=\"passed\"} 3"),
        "{prom}"
    );
    assert!(
        prom.contains("comply_run_exit_code{mode=\"check\"} 1"),
        "{prom}"
    );
    // Every sample line is `name{labels} value` with a number.
    for line in prom.lines().filter(|line| !line.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "not a sample: {line}");
    }
    assert_eq!(
        prom.lines()
            .filter(|l| l.starts_with("comply_case_outcome{"))
            .count(),
        12
    );
}

#[test]
fn run_directories_are_rotated() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    for _ in 0..3 {
        ws.comply()
            .args(["run", "--runbooks", "runbooks"])
            .args(["--report-dir", "runs", "--keep-runs", "2"])
            .assert()
            .code(1);
        // Run directories are named by the second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    std::fs::write(ws.join("runs/notes.txt"), "mine").unwrap();
    let mut runs: Vec<_> = std::fs::read_dir(ws.join("runs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    runs.sort();
    assert_eq!(runs.len(), 2, "{runs:?}");
    for run in &runs {
        for file in ["junit.xml", "report.json", "evidence/MANIFEST.sha256"] {
            assert!(run.join(file).is_file(), "{} has no {file}", run.display());
        }
    }
    assert!(ws.join("runs/notes.txt").exists());
}

const ANSIBLE_LIST: &str = r#"{
    "_meta": {"hostvars": {
        "appliance": {"ansible_connection": "local"},
        "far": {"ansible_host": "far.example.org", "ansible_user": "root"}
    }},
    "all": {"children": ["ungrouped", "here", "remote"]},
    "here": {"hosts": ["appliance"]},
    "remote": {"hosts": ["far"]}
}"#;

#[test]
fn an_ansible_inventory_with_a_limit_chooses_the_targets() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.write("inventory.json", ANSIBLE_LIST);
    ws.run()
        .args(["--inventory", "inventory.json", "--limit", "all:!remote"])
        .assert()
        .code(1);
    let report = ws.json();
    let targets: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["target"].as_str().unwrap())
        .collect();
    assert_eq!(targets, ["local"]);
}

#[rstest]
#[case::no_match(&["--inventory", "inventory.json", "--limit", "nosuch"], "`nosuch` matches no host")]
#[case::empty(&["--inventory", "inventory.json", "--limit", "all:!all"], "selects no host")]
#[case::line_format(&["--inventory", "plain", "--limit", "web"], "comply's line format")]
#[case::no_inventory(&["--limit", "web"], "--limit needs an Ansible inventory")]
fn inventory_selections_that_make_no_sense_are_refused(#[case] args: &[&str], #[case] says: &str) {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.write("inventory.json", ANSIBLE_LIST);
    ws.write("plain", "local\n");
    ws.run()
        .args(args)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(says));
    assert!(!ws.join("report.xml").exists());
}

/// `ansible-inventory` reads INI (and YAML) for comply: ci/install installs
/// Ansible, so this never skips in CI.
#[test]
fn an_ini_inventory_is_read_through_ansible_inventory() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.write(
        "hosts.ini",
        "[here]\nappliance ansible_connection=local\n\n[remote]\nfar ansible_host=far.example.org\n",
    );
    ws.run()
        .args(["-i", "hosts.ini", "--limit", "here"])
        .assert()
        .code(1);
    assert_eq!(ws.json()["targets"][0]["target"], "local");
    ws.write("broken.ini", "[here\nappliance ansible_connection=local\n");
    ws.run()
        .args(["-i", "broken.ini"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("broken.ini"));
}

#[test]
fn completions_and_man_pages_come_from_the_command_line() {
    let ws = Workspace::new();
    ws.comply()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--partition").and(predicate::str::contains("complete")));
    ws.comply()
        .args(["completions", "zsh"])
        .assert()
        .success()
        .stdout(predicate::str::contains("#compdef comply"));
    ws.comply()
        .args(["completions", "fish"])
        .assert()
        .success()
        .stdout(predicate::str::contains("complete -c comply"));
    ws.comply().args(["man", "--dir", "man"]).assert().success();
    for page in [
        "comply.1",
        "comply-run.1",
        "comply-gate.1",
        "comply-merge.1",
        "comply-fixtures-build.1",
    ] {
        let text = ws.read(&format!("man/{page}"));
        assert!(
            text.starts_with(".ie") || text.contains(".TH"),
            "{page}: {text}"
        );
    }
    ws.comply()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH comply 1"));
}
