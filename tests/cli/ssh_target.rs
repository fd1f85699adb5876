//! `--target ssh:…` and `--inventory` against a real sshd: the one in a
//! debian12-systemd fixture container on Docker's bridge network.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use rstest::rstest;
use testcontainers::{Container, GenericImage};

use crate::containers::{docker, serial, start_fixture_on};
use crate::docker_target::Via;
use crate::support::{Junit, Workspace};

/// A fixture container that accepts a key generated for the test, and a
/// known_hosts file with its real host key.
struct SshHost {
    container: Container<GenericImage>,
    ip: String,
    key: PathBuf,
    known_hosts: PathBuf,
    _dir: tempfile::TempDir,
}

impl SshHost {
    fn start(name: &str) -> SshHost {
        let container = start_fixture_on(
            "debian12-systemd",
            &format!("comply-test-ssh-{name}-{}", std::process::id()),
            "bridge",
        );
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("id_ed25519");
        let status = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&key)
            .status()
            .unwrap();
        assert!(status.success());
        let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
        docker(&[
            "exec",
            container.id(),
            "sh",
            "-c",
            &format!(
                "mkdir -p /root/.ssh && echo '{}' > /root/.ssh/authorized_keys",
                public.trim()
            ),
        ]);
        let ip = docker(&[
            "inspect",
            "-f",
            "{{.NetworkSettings.IPAddress}}",
            container.id(),
        ])
        .trim()
        .to_owned();
        let host_key = docker(&[
            "exec",
            container.id(),
            "cat",
            "/etc/ssh/ssh_host_ed25519_key.pub",
        ]);
        let host_key: Vec<&str> = host_key.split_whitespace().take(2).collect();
        let known_hosts = dir.path().join("known_hosts");
        std::fs::write(&known_hosts, format!("{ip} {}\n", host_key.join(" "))).unwrap();
        SshHost {
            container,
            ip,
            key,
            known_hosts,
            _dir: dir,
        }
    }

    fn target(&self) -> String {
        format!("ssh:root@{}", self.ip)
    }

    fn options(&self, key: &std::path::Path, known_hosts: &std::path::Path) -> Vec<String> {
        [
            format!("IdentityFile={}", key.display()),
            "IdentitiesOnly=yes".to_owned(),
            format!("UserKnownHostsFile={}", known_hosts.display()),
        ]
        .into_iter()
        .flat_map(|option| ["--ssh-option".to_owned(), option])
        .collect()
    }

    fn good_options(&self) -> Vec<String> {
        self.options(&self.key, &self.known_hosts)
    }
}

#[rstest]
fn ssh_gives_the_same_outcomes_as_running_inside_and_multiplexes(
    #[values(Via::Agent, Via::Exec)] via: Via,
) {
    let _serial = serial();
    let host = SshHost::start("same");
    let ws = Workspace::new();
    ws.comply()
        .args(["run", "--target", &host.target(), "--junit", "ssh.xml"])
        .args(host.good_options())
        .args(via.args())
        .assert()
        .code(1);
    ws.comply()
        .args([
            "run",
            "--target",
            &format!("docker:{}", host.container.id()),
            "--junit",
            "docker.xml",
        ])
        .args(via.args())
        .assert()
        .code(1);
    let over_ssh = Junit::parse(&ws.read("ssh.xml"));
    let inside = Junit::parse(&ws.read("docker.xml"));
    assert_eq!(over_ssh.outcomes(), inside.outcomes());
    assert!(
        over_ssh
            .outcomes()
            .iter()
            .any(|(_, o)| o == "non-compliant"),
        "LIN-PATCH-001 fails on a fresh fixture"
    );
    assert_eq!(
        over_ssh.suites[0].properties["comply.platform"], "debian",
        "detected remotely"
    );
    assert_eq!(
        over_ssh.suites[0].properties["comply.target"],
        host.target()
    );
    // One connection for the platform detection and every step.
    let logins = docker(&[
        "exec",
        host.container.id(),
        "sh",
        "-c",
        "journalctl -u ssh --no-pager | grep -c 'Accepted publickey' || true",
    ]);
    assert_eq!(logins.trim(), "1", "steps share one multiplexed connection");
    // Which way the steps went: under the agent or under `timeout`.
    ws.runbook("S-VIA")
        .probe("cat /proc/$PPID/comm; exit 1\n")
        .create();
    ws.run()
        .args(["--target", &host.target(), "--only", "S-VIA"])
        .args(host.good_options())
        .args(via.args())
        .assert()
        .code(1);
    let through = ws.junit().case("S-VIA").system_out.clone();
    assert!(through.contains(via.parent()), "{via:?}: {through}");
}

#[test]
fn ssh_failures_are_target_errors_that_say_what_to_do() {
    let _serial = serial();
    let host = SshHost::start("failures");
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "").unwrap();
    let wrong = dir.path().join("wrong");
    std::fs::write(
        &wrong,
        format!(
            "{} ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv4Wk8nTq3lH3dN6oHq2dJm3bYyK5bZ0fQW2p8lD1X0\n",
            host.ip
        ),
    )
    .unwrap();
    let stranger = dir.path().join("stranger");
    std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&stranger)
        .status()
        .unwrap();
    let ws = Workspace::new();
    ws.runbook("S-ANY").probe("exit 1\n").create();
    let cases: [(String, Vec<String>, &str); 4] = [
        (
            host.target(),
            host.options(&host.key, &empty),
            "is not in known_hosts",
        ),
        (
            host.target(),
            host.options(&host.key, &wrong),
            "has CHANGED since it was recorded",
        ),
        (
            host.target(),
            host.options(&stranger, &host.known_hosts),
            "refused the key",
        ),
        (
            format!("{}:2222", host.target()),
            host.good_options(),
            "cannot reach",
        ),
    ];
    for (target, options, expected) in cases {
        ws.run()
            .args(["--target", &target])
            .args(&options)
            .assert()
            .code(3);
        let junit = ws.junit();
        let case = junit.case("S-ANY");
        assert_eq!(
            case.outcome(),
            "target-error",
            "never non-compliant: {target}"
        );
        assert!(
            case.message.as_deref().unwrap().contains(expected),
            "{target}: {:?}",
            case.message
        );
    }
}

#[test]
fn an_inventory_runs_targets_in_parallel_and_a_dead_host_does_not_stall_them() {
    let _serial = serial();
    let host = SshHost::start("inventory");
    let ws = Workspace::new();
    ws.runbook("S-OK").probe("exit 0\n").create();
    ws.write(
        "inventory",
        format!(
            "# appliances\n{}   # the fixture\n\n10.255.255.1\n10.255.255.2\nlocal\n",
            host.target().trim_start_matches("ssh:")
        ),
    );
    let started = Instant::now();
    let output = ws
        .run()
        .args(["--inventory", "inventory", "--connect-timeout", "3"])
        .args(host.good_options())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(3)
        .get_output()
        .clone();
    // Two dead hosts with a 3 s connect timeout: one after the other would
    // take 6 s before the first case could even start.
    assert!(
        started.elapsed() < Duration::from_millis(5500),
        "dead hosts are waited for in parallel; took {:?}",
        started.elapsed()
    );
    let junit = ws.junit();
    let targets: Vec<&str> = junit
        .suites
        .iter()
        .map(|s| s.properties["comply.target"].as_str())
        .collect();
    assert_eq!(
        targets,
        [
            host.target().as_str(),
            "ssh:10.255.255.1",
            "ssh:10.255.255.2",
            "local"
        ]
    );
    assert_eq!(junit.suites[0].cases[0].outcome(), "compliant");
    assert_eq!(junit.suites[1].cases[0].outcome(), "target-error");
    assert!(
        junit.suites[1].cases[0]
            .message
            .as_deref()
            .unwrap()
            .contains("cannot reach `10.255.255.1`")
    );
    assert_eq!(junit.suites[2].cases[0].outcome(), "target-error");
    assert_eq!(junit.suites[3].cases[0].outcome(), "compliant");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("SUMMARY").count(),
        4,
        "one summary line per target:\n{stdout}"
    );
}

#[rstest]
fn a_timed_out_step_is_killed_on_the_remote_host(#[values(Via::Agent, Via::Exec)] via: Via) {
    let _serial = serial();
    let host = SshHost::start("timeout");
    let ws = Workspace::new();
    ws.runbook("S-HANG")
        .probe("sleep 987654 & sleep 987655\n")
        .create();
    ws.run()
        .args(["--target", &host.target(), "--timeout", "2"])
        .args(host.good_options())
        .args(via.args())
        .assert()
        .code(3);
    assert_eq!(ws.junit().case("S-HANG").outcome(), "timeout");
    let left = docker(&[
        "exec",
        host.container.id(),
        "sh",
        "-c",
        "pgrep -f 'sleep 98765[45]' || true",
    ]);
    assert!(left.trim().is_empty(), "left running on the host: {left}");
}

#[test]
fn bad_inventories_and_targets_are_invalid_input() {
    let ws = Workspace::new();
    ws.write("inventory", "host-a\nhost-b extra\n");
    let output = ws
        .comply()
        .args(["run", "--inventory", "inventory"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("inventory:2:1: `host-b extra`: one target per line")
    );
    let output = ws
        .comply()
        .args(["run", "--target", "ssh:root@host:http"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("`http` is not a port number"));
    let output = ws
        .comply()
        .args(["run", "--target", "local", "--target", "local"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&output.stderr).contains("given twice"));
}
