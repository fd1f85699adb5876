//! Scripts that print anything at all, flood, leak or hang still give a
//! report a strict XML parser accepts, in bounded time.

use std::time::{Duration, Instant};

use crate::support::{Workspace, validate_with_xsd};

#[test]
fn hostile_output_still_gives_well_formed_reports_in_bounded_time() {
    let ws = Workspace::new();
    ws.runbook("H-ANSI")
        .probe("printf '\\033[31mred\\033[0m \\033]0;title\\007 done\\n'; exit 1\n")
        .create();
    ws.runbook("H-CONTROL")
        .probe("printf 'nul:\\000 bell:\\007 vt:\\013 ff:\\014 del:\\177 esc:\\033\\n'; printf 'stderr\\000\\001\\002' >&2; exit 1\n")
        .create();
    ws.runbook("H-UTF8")
        .probe(
            "printf 'bad:\\377\\376\\300\\200 nonchar:\\357\\277\\276 cut:\\342\\202\\n'; exit 1\n",
        )
        .create();
    ws.runbook("H-CDATA")
        .probe(
            "echo ']]> <![CDATA[ </system-out> &amp; <testcase name=\"x\"> \" '\"'\"' &'; exit 1\n",
        )
        .create();
    ws.runbook("H-FLOOD")
        .probe("head -c 52428800 /dev/zero | tr '\\0' 'x'; exit 1\n")
        .create();
    ws.runbook("H-LEAK")
        .probe("sleep 1000 & echo started background child; exit 0\n")
        .create();
    ws.runbook("H-HANG").probe("sleep 1000\n").create();
    ws.runbook("H-TRAP")
        .probe("trap '' TERM; while :; do sleep 1; done\n")
        .create();

    let started = Instant::now();
    ws.run()
        .args(["--timeout", "2", "--junit-strict", "--output-limit", "4096"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(1);
    let elapsed = started.elapsed();
    // 2 s timeout + 5 s grace for the process that ignores SIGTERM, with
    // the cases in parallel.
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");

    validate_with_xsd(&ws.join("report.xml")).expect("strict report validates");
    let junit = ws.junit();
    assert!(
        junit.case("H-ANSI").system_out.contains("red  done"),
        "escapes are stripped"
    );
    assert!(
        junit
            .case("H-CONTROL")
            .system_out
            .contains("nul: bell: vt: ff: del:\u{7f} esc:")
    );
    assert!(junit.case("H-UTF8").system_out.contains("bad:\u{FFFD}"));
    assert!(
        junit
            .case("H-CDATA")
            .system_out
            .contains("]]> <![CDATA[ </system-out> &amp; <testcase")
    );

    let flood = junit.case("H-FLOOD");
    assert_eq!(flood.outcome(), "non-compliant");
    assert!(flood.system_out.contains(&format!(
        "truncated: {} more bytes not kept",
        52_428_800 - 4096
    )));
    assert!(std::fs::metadata(ws.join("report.xml")).unwrap().len() < 1_000_000);

    let leak = junit.case("H-LEAK");
    assert_eq!(leak.element, "pass", "the main process exited 0");
    assert!(
        leak.system_out
            .contains("the step left processes running after it exited")
    );

    assert_eq!(junit.case("H-HANG").outcome(), "timeout");
    assert_eq!(junit.case("H-TRAP").outcome(), "timeout");

    let json = ws.json();
    let flood_json = json["targets"][0]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["runbook"] == "H-FLOOD")
        .unwrap();
    assert_eq!(
        flood_json["steps"][0]["stdout_dropped_bytes"],
        52_428_800 - 4096
    );
}

/// Whether a process whose command line contains `marker` is running.
fn running(marker: &str) -> bool {
    let found = std::process::Command::new("pgrep")
        .args(["-f", marker])
        .output()
        .unwrap();
    !found.stdout.is_empty()
}

#[test]
fn no_step_process_outlives_the_run() {
    let ws = Workspace::new();
    // Unusual durations mark each background child for pgrep.
    ws.runbook("H-ORPHAN")
        .probe("sleep 987654 &\nsleep 1000\n")
        .create();
    ws.runbook("H-SUBSHELL")
        .probe("( sleep 987656 >/dev/null 2>&1 & )\nexit 0\n")
        .create();
    ws.runbook("H-NOHUP")
        .probe("nohup sleep 987657 >/dev/null 2>&1 &\nexit 0\n")
        .create();
    ws.runbook("H-SETSID")
        .probe("setsid sleep 987658 >/dev/null 2>&1 &\nsleep 0.2\nexit 0\n")
        .create();
    ws.run().args(["--timeout", "1"]).assert().code(3);
    for marker in [
        "sleep 987654",
        "sleep 987656",
        "sleep 987657",
        "sleep 987658",
    ] {
        assert!(!running(marker), "left running: {marker}");
    }
    let junit = ws.junit();
    assert_eq!(junit.case("H-ORPHAN").outcome(), "timeout");
    for passing in ["H-SUBSHELL", "H-NOHUP", "H-SETSID"] {
        let case = junit.case(passing);
        assert_eq!(case.outcome(), "compliant", "{passing}: the probe exited 0");
        assert!(
            case.system_out
                .contains("the step left processes running after it exited"),
            "{passing}: the leftover is reported"
        );
    }
}

/// A second Ctrl-C (or SIGTERM, or SIGHUP) kills a step that ignores
/// SIGTERM at once and still writes the report; SIGHUP alone is treated
/// like SIGTERM.
#[rstest::rstest]
#[case::double_interrupt(&["INT", "INT"])]
#[case::hangup(&["HUP"])]
fn signals_stop_the_run_and_the_report_is_still_written(#[case] signals: &[&str]) {
    let ws = Workspace::new();
    ws.runbook("H-DONE").probe("exit 0\n").create();
    ws.runbook("H-STUBBORN")
        .probe("trap '' TERM INT HUP\nwhile :; do sleep 987659; done\n")
        .create();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("comply"))
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .args([
            "run",
            "--runbooks",
            "runbooks",
            "--junit",
            "report.xml",
            "--json",
            "report.json",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !running("sleep 987659") {
        assert!(Instant::now() < deadline, "the stubborn step never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let started = Instant::now();
    for signal in signals {
        std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    let junit = ws.junit();
    assert_eq!(junit.case("H-DONE").outcome(), "compliant");
    assert_eq!(junit.case("H-STUBBORN").outcome(), "interrupted");
    assert!(
        !running("sleep 987659"),
        "the stubborn step was left running"
    );
}

/// No script text can change how the script is delivered: a line `}` once
/// closed comply's `{ …; } </dev/null` wrapper early, and the rest of the
/// script then read its own text from standard input.
#[test]
fn a_script_can_never_read_its_own_text() {
    let ws = Workspace::new();
    // Past the shell's read buffer, so `cat` would get the rest of the pipe;
    // the old wrapper then ran this as a passing probe.
    let padding = "# padding past the shell's read buffer\n".repeat(2000);
    ws.runbook("H-ESCAPE")
        .probe(&format!("}}\ncat\n{padding}echo tail-of-the-script\n"))
        .create();
    ws.runbook("H-STDIN")
        .probe("cat\nread -r line && echo \"read: $line\"\nexit 0\n# the end\n")
        .create();
    ws.run().assert().code(3);
    let junit = ws.junit();
    let escape = junit.case("H-ESCAPE");
    assert_eq!(escape.outcome(), "probe-error", "`}}` is a syntax error");
    assert!(
        !escape.system_out.contains("# padding"),
        "the script read its own text: {}",
        escape.system_out
    );
    let stdin = junit.case("H-STDIN");
    assert_eq!(stdin.outcome(), "compliant");
    assert!(
        !stdin.system_out.contains("read: ") && !stdin.system_out.contains("# the end"),
        "standard input is empty: {}",
        stdin.system_out
    );
}
