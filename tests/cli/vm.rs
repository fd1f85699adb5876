//! The `debian12-vm` fixture end to end: a real kernel under qemu, driven
//! over ssh. Resumed from its booted state for each case; persistence is
//! judged across a power cycle; nothing (qemu, overlays) outlives a run.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use comply::cancel::Cancel;
use comply::gate::shell::Shell;

use crate::containers::{fixture, fixtures, serial};
use crate::support::{Junit, Workspace};

/// Live qemu processes (a dead one whose parent is gone may linger as a
/// zombie until init reaps it: it runs nothing).
fn qemu_processes() -> String {
    let output = Command::new("pgrep")
        .args(["-a", "qemu-system"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| !line.contains("<defunct>"))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn scratch_dirs() -> Vec<String> {
    std::fs::read_dir(comply::gate::fixture::cache_root().join("runs"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// `--ssh-option`s that reach a resumed VM (its image's key and host key).
fn vm_ssh_options() -> Vec<String> {
    let vm = fixture("debian12-vm");
    comply::gate::vm::ssh_settings(Path::new(&vm.image), vm)
        .into_iter()
        .flat_map(|option| ["--ssh-option".to_owned(), option])
        .collect()
}

#[test]
fn comply_over_ssh_gives_the_outcomes_of_comply_inside_the_vm() {
    let _serial = serial();
    fixtures();
    let (vm, ssh) =
        comply::gate::vm::resume(fixture("debian12-vm"), &Cancel::new()).expect("the VM resumes");
    let port = comply::target::Target::name(&ssh)
        .rsplit(':')
        .next()
        .unwrap()
        .to_owned();
    let ws = Workspace::new();
    // The runbooks the VM exists for, and a few others; a whole suite under
    // TCG is slow enough to hit probes' own timeouts on a loaded machine.
    let only = [
        "--only",
        "LIN-AUDIT-*",
        "--only",
        "LIN-SSH-00[1-3]",
        "--only",
        "LIN-LOG-001",
        "--only",
        "LIN-SYSCTL-001",
    ];
    ws.comply()
        .args([
            "run",
            "--target",
            &format!("ssh:root@127.0.0.1:{port}"),
            "--json",
            "ssh.json",
        ])
        .args(only)
        .args(vm_ssh_options())
        .timeout(Duration::from_secs(300))
        .assert()
        .code(1);

    // The same binary, run on the machine itself.
    let binary = std::fs::read(assert_cmd::cargo::cargo_bin("comply")).unwrap();
    let upload = Command::new("ssh")
        .args(
            vm_ssh_options()
                .iter()
                .filter(|o| *o != "--ssh-option")
                .flat_map(|o| ["-o", o.as_str()]),
        )
        .args([
            "-o",
            "BatchMode=yes",
            "-p",
            &port,
            "root@127.0.0.1",
            "cat > /usr/local/bin/comply && chmod +x /usr/local/bin/comply",
        ])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&binary)?;
            child.wait()
        })
        .unwrap();
    assert!(upload.success());
    let inside = ssh
        .output(&format!(
            "cd /root && comply run {} --json /root/inside.json >/dev/null; cat /root/inside.json",
            only.map(comply::target::remote::shell_quote).join(" ")
        ))
        .expect("comply runs inside the VM");
    let outcomes = |json: &serde_json::Value| -> Vec<(String, String)> {
        json["targets"][0]["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["runbook"].as_str().unwrap().to_owned(),
                    c["outcome"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let over_ssh: serde_json::Value = serde_json::from_str(&ws.read("ssh.json")).unwrap();
    let inside: serde_json::Value = serde_json::from_str(&inside).unwrap();
    assert_eq!(outcomes(&over_ssh), outcomes(&inside));
    assert_eq!(over_ssh["targets"][0]["platform"], "debian");
    drop(ssh);
    drop(vm);
    assert!(
        qemu_processes().is_empty(),
        "qemu left running: {}",
        qemu_processes()
    );
}

/// Persistence is judged across a power cycle: what a remediation wrote to
/// the disk (not even synced) is there after it, and nothing of the running
/// system is — a new qemu process, a new boot, a fresh /run and kernel.
#[test]
fn a_power_cycle_keeps_the_disk_and_nothing_else() {
    let _serial = serial();
    fixtures();
    let (vm, ssh) =
        comply::gate::vm::resume(fixture("debian12-vm"), &Cancel::new()).expect("the VM resumes");
    let qemu_pids = || -> Vec<String> {
        qemu_processes()
            .lines()
            .map(|line| {
                line.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    let qemu_before = qemu_pids();
    let state = "cat /proc/sys/kernel/random/boot_id; cat /proc/sys/kernel/domainname; \
                 cat /etc/comply-disk 2>&1; cat /run/comply-memory 2>&1; true";
    let before = ssh
        .output(&format!(
            "echo on-disk > /etc/comply-disk && echo in-memory > /run/comply-memory && \
             sysctl -q -w kernel.domainname=comply-runtime && {{ {state}; }}"
        ))
        .expect("the VM answers");
    vm.power_cycle(&ssh, &Cancel::new())
        .expect("the VM comes back");
    let after = ssh
        .output(state)
        .expect("the VM answers after its power cycle");
    let before: Vec<&str> = before.lines().collect();
    let after: Vec<&str> = after.lines().collect();
    assert_eq!(before[1..], ["comply-runtime", "on-disk", "in-memory"]);
    assert_ne!(after[0], before[0], "a new boot");
    assert_eq!(after[1], "(none)", "the kernel's runtime settings are gone");
    assert_eq!(after[2], "on-disk", "what was written to the disk is kept");
    assert!(
        after[3].contains("No such file"),
        "/run is gone: {}",
        after[3]
    );
    let qemu_after = qemu_pids();
    assert_eq!(qemu_after.len(), 1, "one machine: {qemu_after:?}");
    assert_ne!(qemu_after, qemu_before, "a new qemu process booted it");
    drop(ssh);
    drop(vm);
    assert!(qemu_processes().is_empty(), "qemu left running");
}

/// The embedded suite's VM runbooks (the kernel-level ones) and the broken
/// runbooks with VM scenarios (every gate outcome but `untested`, which is
/// judged on the container fixtures), in one gate on the VM: on an opt-in
/// fixture only scenarios written for it run.
#[test]
fn the_vm_runbooks_are_green_and_broken_ones_get_their_outcomes() {
    let _serial = serial();
    fixtures();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ws = Workspace::new();
    ws.write(
        "suite.toml",
        format!(
            "name = \"vm\"\nrunbooks = [\"{}\", \"{}\"]\n",
            root.join("runbooks").display(),
            root.join("tests/corpus/runbooks").display()
        ),
    );
    let before = scratch_dirs();
    ws.comply()
        .args(["gate", "--fixture", "debian12-vm", "--suite", "suite.toml"])
        .args(["--junit", "gate.xml", "--json", "gate.json"])
        .timeout(Duration::from_secs(1200))
        .assert()
        .code(1);
    let junit = Junit::parse(&ws.read("gate.xml"));
    let mut broken = Vec::new();
    for case in junit.cases() {
        let runbook = case.runbook();
        assert_eq!(case.properties["comply.fixture"], "debian12-vm");
        if runbook.starts_with("BAD-") {
            broken.push((runbook.to_owned(), case.outcome().to_owned()));
        } else {
            assert!(
                ["compliant", "healed", "escalated"].contains(&case.outcome()),
                "{runbook} [{}] on the VM: {} — {:?}",
                case.properties["comply.scenario"],
                case.outcome(),
                case.message
            );
        }
    }
    assert_eq!(
        broken,
        [
            ("BAD-ALARM-001".to_owned(), "false-alarm".to_owned()),
            ("BAD-APPEND-001".to_owned(), "not-idempotent".to_owned()),
            ("BAD-EMPTY-001".to_owned(), "empty-runbook".to_owned()),
            ("BAD-FIXTURE-001".to_owned(), "fixture-error".to_owned()),
            ("BAD-NOOP-001".to_owned(), "noop-runbook".to_owned()),
            ("BAD-NOTHEALED-001".to_owned(), "not-healed".to_owned()),
            ("BAD-START-001".to_owned(), "not-persistent".to_owned()),
            ("BAD-VACUOUS-001".to_owned(), "vacuous-probe".to_owned()),
        ]
    );
    // The kernel-level controls were exercised for real: healed, restarted.
    for runbook in ["LIN-AUDIT-001", "LIN-AUDIT-002", "LIN-SYSCTL-001"] {
        assert!(
            junit.cases().any(|c| c.runbook() == runbook
                && c.outcome() == "healed"
                && c.system_out.contains("== restart [fixture]")),
            "{runbook} healed across a power cycle"
        );
    }
    assert!(
        qemu_processes().is_empty(),
        "qemu left running: {}",
        qemu_processes()
    );
    assert_eq!(scratch_dirs(), before, "the gate removed its overlays");
}

#[test]
fn a_killed_gate_leaves_no_machine_running_and_prune_removes_its_overlays() {
    let _serial = serial();
    fixtures();
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/runbooks");
    let ws = Workspace::new();
    let mut gate = Command::new(assert_cmd::cargo::cargo_bin("comply"))
        .current_dir(ws.path())
        .args([
            "gate",
            "--fixture",
            "debian12-vm",
            "--only",
            "BAD-START-001",
            "--runbooks",
        ])
        .arg(&corpus)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while qemu_processes().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the gate started no VM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    gate.kill().unwrap();
    gate.wait().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        qemu_processes().is_empty(),
        "qemu dies with comply: {}",
        qemu_processes()
    );
    assert!(
        !scratch_dirs().is_empty(),
        "a killed gate cannot remove its overlay"
    );
    let output = ws
        .comply()
        .args(["fixtures", "prune"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stdout).contains("virtual machine"));
    assert!(
        scratch_dirs().is_empty(),
        "prune removed the overlays: {:?}",
        scratch_dirs()
    );
}
