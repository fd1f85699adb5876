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

/// Runs the mixed suite as `hash:K/2` shards into shard-K.json.
fn two_shards(ws: &Workspace) {
    for k in 1..=2 {
        ws.comply()
            .args([
                "run",
                "--runbooks",
                "runbooks",
                "--json",
                &format!("shard-{k}.json"),
            ])
            .args(["--partition", &format!("hash:{k}/2")])
            .assert()
            .code(predicate::in_iter([0, 1, 3]));
    }
}

/// Rewrites a JSON report.
fn edit(ws: &Workspace, from: &str, to: &str, change: impl FnOnce(&mut serde_json::Value)) {
    let mut report = json(ws, from);
    change(&mut report);
    ws.write(to, serde_json::to_string_pretty(&report).unwrap());
}

#[rstest]
#[case::missing_shard(&["shard-1.json"], "shard 2 of 2 is missing")]
#[case::same_shard_twice(&["shard-1.json", "shard-1.json"], "shard `hash:1/2` is also `shard-1.json`")]
#[case::not_a_shard(&["shard-1.json", "whole.json"], "not a shard")]
#[case::overlapping_cases(&["shard-1.json", "fake-2.json"], "is also in `shard-1.json`")]
#[case::another_host(&["shard-1.json", "elsewhere-2.json"], "`hostname`")]
#[case::another_plan(&["shard-1.json", "plan-2.json"], "is not of `shard-1.json`'s plan")]
#[case::green_kind(&["shard-1.json", "green-2.json"], "which is `failure`, not `pass`")]
fn merge_refuses_anything_but_every_shard_of_one_run(#[case] files: &[&str], #[case] says: &str) {
    let ws = Workspace::new();
    mixed_suite(&ws);
    two_shards(&ws);
    ws.comply()
        .args(["run", "--runbooks", "runbooks", "--json", "whole.json"])
        .assert()
        .code(1);
    // Shard 1's cases claiming to be shard 2.
    edit(&ws, "shard-1.json", "fake-2.json", |r| {
        r["shard"]["partition"] = "hash:2/2".into()
    });
    edit(&ws, "shard-2.json", "elsewhere-2.json", |r| {
        r["targets"][0]["hostname"] = "another-machine".into()
    });
    edit(&ws, "shard-2.json", "plan-2.json", |r| {
        r["shard"]["plan_cases"] = 13.into()
    });
    // A failure made to look like a pass.
    edit(&ws, "shard-2.json", "green-2.json", |r| {
        for case in r["targets"][0]["cases"].as_array_mut().unwrap() {
            case["kind"] = "pass".into();
        }
    });
    ws.comply()
        .arg("merge")
        .args(files)
        .args(["--json", "merged.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(says));
    assert!(!ws.join("merged.json").exists(), "no half-merged report");
}

#[test]
fn a_report_read_back_is_the_report_that_was_written() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    ws.comply()
        .args(["run", "--runbooks", "runbooks", "--json", "one.json"])
        .args(["--partition", "hash:1/1"])
        .assert()
        .code(1);
    ws.comply()
        .args(["merge", "one.json", "--json", "again.json"])
        .assert()
        .code(1);
    let mut original = json(&ws, "one.json");
    assert_eq!(original["shard"]["plan_cases"], 12);
    original.as_object_mut().unwrap().remove("shard");
    assert_eq!(json(&ws, "again.json"), original);
}

#[test]
fn a_remediating_run_is_sharded_by_host() {
    let ws = Workspace::new();
    mixed_suite(&ws);
    let mut sizes = Vec::new();
    for k in 1..=2 {
        let file = format!("shard-{k}.json");
        ws.comply()
            .args([
                "run",
                "--runbooks",
                "runbooks",
                "--remediate",
                "--json",
                &file,
            ])
            .args(["--partition", &format!("hash:{k}/2")])
            .assert()
            .code(predicate::in_iter([0, 1, 3]));
        sizes.push(cases(&json(&ws, &file)).len());
    }
    // One host, so one shard heals all of it and the other touches nothing.
    sizes.sort_unstable();
    assert_eq!(sizes, [0, 12]);
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
            "comply_case_outcome{mode=\"check\",target=\"local\",runbook=\"LIN-S-001\",tier=\"L1\",outcome=\"non-compliant\",status=\"failure\"} 1"
        ),
        "{prom}"
    );
    assert!(
        prom.contains("comply_cases{mode=\"check\",status=\"failure\"} 3"),
        "{prom}"
    );
    assert!(
        prom.contains("comply_cases{mode=\"check\",status=\"pass\"} 3"),
        "{prom}"
    );
    assert!(
        prom.contains("comply_run_exit_code{mode=\"check\"} 1"),
        "{prom}"
    );
    // The official client's parser reads every family and sample (it
    // rejects bad escaping, values and TYPE lines).
    // Debian's python3, where python3-prometheus-client installs.
    let parsed = std::process::Command::new("/usr/bin/python3")
        .args([
            "-c",
            "import sys\n\
             from prometheus_client.parser import text_string_to_metric_families as parse\n\
             print(sum(len(f.samples) for f in parse(sys.stdin.read())))",
        ])
        .stdin(std::fs::File::open(ws.join("comply.prom")).unwrap())
        .output()
        .expect("python3 runs");
    assert!(
        parsed.status.success(),
        "the Prometheus parser refused the metrics (ci/install installs python3-prometheus-client): {}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    let samples = prom.lines().filter(|l| !l.starts_with('#')).count();
    assert_eq!(
        String::from_utf8_lossy(&parsed.stdout).trim(),
        samples.to_string()
    );
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
    let runs = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(ws.join("runs"))
            .map(|entries| {
                entries
                    .map(|entry| entry.unwrap())
                    .filter(|entry| entry.path().is_dir())
                    .map(|entry| entry.file_name().into_string().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let mut made = Vec::new();
    for _ in 0..3 {
        let before = runs();
        ws.comply()
            .args(["run", "--runbooks", "runbooks"])
            .args(["--report-dir", "runs", "--keep-runs", "2"])
            .assert()
            .code(1);
        made.extend(runs().into_iter().filter(|name| !before.contains(name)));
        // Run directories are named by the second.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    assert_eq!(made.len(), 3, "{made:?}");
    assert_eq!(runs(), made[1..], "the newest two are kept");
    for run in runs() {
        for file in [
            "junit.xml",
            "report.json",
            "evidence/MANIFEST.sha256",
            "COMPLETE",
        ] {
            assert!(
                ws.join(&format!("runs/{run}/{file}")).is_file(),
                "{run} has no {file}"
            );
        }
    }
    // A run that fails after its directory was made but before it starts
    // (here: a gate whose engine does not exist) leaves no directory behind.
    ws.comply()
        .args([
            "gate",
            "--runbooks",
            "runbooks",
            "--engine",
            "/nonexistent/docker",
        ])
        .args(["--report-dir", "runs", "--keep-runs", "2"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("does not answer"));
    assert_eq!(runs(), made[1..]);
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
