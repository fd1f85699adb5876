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
            .contains("a background process kept the output open")
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

#[test]
fn no_step_process_outlives_the_run() {
    let ws = Workspace::new();
    // An unusual duration marks the background child for pgrep.
    let marker = "sleep 987654";
    ws.runbook("H-ORPHAN")
        .probe(&format!("{marker} &\nsleep 1000\n"))
        .create();
    ws.run().args(["--timeout", "1"]).assert().code(3);
    std::thread::sleep(Duration::from_millis(200));
    let survivors = std::process::Command::new("pgrep")
        .args(["-f", marker])
        .output()
        .unwrap();
    assert!(
        survivors.stdout.is_empty(),
        "left running: {}",
        String::from_utf8_lossy(&survivors.stdout)
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
