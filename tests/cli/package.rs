//! The Debian package in a booted Debian 12 fixture: it installs, enables
//! and starts its timer, the timer's service runs comply and leaves its
//! reports and metrics under /var/lib/comply, and `dpkg -r` leaves no unit
//! behind. The .deb is built by `packaging/build-deb` (ci/test runs it
//! before the tests; its path is in target/debian/).

use std::path::PathBuf;

use crate::containers::{docker, serial, start_fixture};

/// The newest .deb `packaging/build-deb` made.
fn built_deb() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/debian");
    let mut debs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| {
            panic!(
                "no {}: build the package first with packaging/build-deb (ci/test does)",
                dir.display()
            )
        })
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "deb"))
        .collect();
    debs.sort_by_key(|path| std::fs::metadata(path).unwrap().modified().unwrap());
    debs.pop()
        .expect("packaging/build-deb leaves a .deb in target/debian")
}

fn sh(container: &str, script: &str) -> String {
    docker(&["exec", container, "sh", "-c", script])
}

#[test]
fn the_package_runs_comply_from_its_timer_and_leaves_nothing_behind() {
    let _serial = serial();
    let deb = built_deb();
    let name = format!("comply-test-deb-{}", std::process::id());
    let container = start_fixture("debian12-systemd", &name);
    let id = container.id();
    docker(&[
        "cp",
        deb.to_str().unwrap(),
        &format!("{id}:/tmp/comply.deb"),
    ]);
    sh(id, "dpkg -i /tmp/comply.deb");

    assert_eq!(
        sh(id, "systemctl is-enabled comply.timer").trim(),
        "enabled"
    );
    assert_eq!(sh(id, "systemctl is-active comply.timer").trim(), "active");
    assert!(sh(id, "systemctl list-timers --all comply.timer").contains("comply.timer"));
    assert!(sh(id, "test -f /etc/comply/comply.env && echo ok").contains("ok"));
    let contents = sh(id, "dpkg-deb -c /tmp/comply.deb");
    for file in [
        "./usr/bin/comply",
        "/usr/share/man/man1/comply-run.1",
        "/usr/share/bash-completion/completions/comply",
        "/usr/share/zsh/vendor-completions/_comply",
        "/usr/share/fish/vendor_completions.d/comply.fish",
        "/lib/systemd/system/comply.timer",
    ] {
        assert!(
            contents.contains(file),
            "no {file} in the package:\n{contents}"
        );
    }

    // What the timer would start, now: a check run of the embedded suite.
    sh(id, "systemctl start comply.service || true");
    let result = sh(id, "systemctl show -p Result --value comply.service");
    let status = sh(
        id,
        "systemctl show -p ExecMainStatus --value comply.service",
    );
    assert_eq!(
        result.trim(),
        "success",
        "exit {status}; journal:\n{}",
        sh(id, "journalctl -u comply.service --no-pager | tail -n 30")
    );
    let listing = sh(
        id,
        "cd /var/lib/comply && ls runs/*/junit.xml runs/*/report.json runs/*/evidence/MANIFEST.sha256 comply.prom",
    );
    for file in ["junit.xml", "report.json", "MANIFEST.sha256", "comply.prom"] {
        assert!(listing.contains(file), "no {file} in:\n{listing}");
    }
    let report: serde_json::Value =
        serde_json::from_str(&sh(id, "cat /var/lib/comply/runs/*/report.json")).unwrap();
    assert_eq!(report["mode"], "check");
    assert!(
        report["totals"]["tests"].as_u64().unwrap() > 20,
        "{}",
        report["totals"]
    );
    assert!(sh(id, "cat /var/lib/comply/comply.prom").contains("comply_case_outcome{"));

    sh(id, "dpkg -r comply");
    let left = sh(
        id,
        "ls -d /lib/systemd/system/comply.* /usr/lib/systemd/system/comply.* \
            /etc/systemd/system/comply.* /etc/systemd/system/*/comply.* /usr/bin/comply 2>/dev/null; \
         systemctl list-unit-files 'comply*' --no-legend; true",
    );
    assert!(left.trim().is_empty(), "left behind after dpkg -r:\n{left}");
}
