//! The HTML report (`--html`, `comply report`), checked in a real browser:
//! headless Chromium builds the DOM and takes a screenshot kept in
//! target/tmp/artefacts/.

use predicates::prelude::*;

use crate::support::{Workspace, browser_dom, browser_screenshot};

/// Text between the first `<tag` and its closing tag.
fn inner<'a>(dom: &'a str, tag: &str) -> &'a str {
    let start = dom.find(&format!("<{tag}")).unwrap();
    let open_end = start + dom[start..].find('>').unwrap() + 1;
    let end = open_end + dom[open_end..].find(&format!("</{tag}>")).unwrap();
    &dom[open_end..end]
}

#[test]
fn the_html_report_renders_in_a_browser_and_hostile_output_stays_text() {
    let ws = Workspace::new();
    ws.runbook("LIN-HOSTILE-001")
        .probe(concat!(
            "echo '<script>document.title=\"pwned\"</script>'\n",
            "echo '<img src=x onerror=\"document.title=1\"></pre></details><h1>injected</h1>'\n",
            "printf 'nul:\\000 esc:\\033[31m ]]> &amp; \\377\\n'\n",
            "exit 1\n"
        ))
        .create();
    ws.runbook("LIN-GOOD-001")
        .hipaa("164.312(a)(2)(iii)")
        .probe("echo fine\nexit 0\n")
        .create();
    ws.runbook("LIN-NA-001").probe("exit 77\n").create();
    ws.run().args(["--html", "report.html"]).assert().code(1);
    let dom = browser_dom(&ws.join("report.html"));

    // Nothing the probe printed became markup, and no script but the
    // report's own ran.
    assert!(
        inner(&dom, "title").starts_with("comply check report: "),
        "{}",
        inner(&dom, "title")
    );
    assert!(!dom.contains("<img"), "an element was injected");
    assert_eq!(dom.matches("<h1").count(), 1, "one heading: the report's");
    assert_eq!(dom.matches("<script").count(), 1, "only the print script");
    assert!(dom.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"));
    assert!(dom.contains("&lt;script&gt;document.title=\"pwned\"&lt;/script&gt;"));
    assert!(dom.contains("&lt;/pre&gt;&lt;/details&gt;&lt;h1&gt;injected"));

    // Run facts, verdict, chart, coverage, cases.
    for expected in [
        "Runbooks SHA-256",
        "✗ FAILED",
        "3 cases: 1 passed, 1 failed, 0 errors, 1 skipped.",
        "aria-label=\"Outcomes: compliant 1, not-applicable 1, non-compliant 1\"",
        "✗ non-compliant",
        "✓ compliant",
        "– not-applicable",
        "Automatic logoff",
    ] {
        assert!(dom.contains(expected), "missing {expected:?}");
    }
    // The coverage row of 164.312(b): its two runbooks, one failing.
    let row_start = dom.find("<td class=\"mono cite\">164.312(b)</td>").unwrap();
    let row = &dom[row_start..row_start + dom[row_start..].find("</tr>").unwrap()];
    assert!(
        row.contains(
            r#"<span class="id">LIN-HOSTILE-001</span>, <span class="id">LIN-NA-001</span>"#
        ),
        "{row}"
    );
    assert!(row.contains("✗ failing"), "{row}");
    // Transcripts are collapsed until asked for (or printed).
    assert!(dom.matches("<details>").count() >= 2);
    assert!(!dom.contains("<details open"));

    browser_screenshot(&ws.join("report.html"), "html-report-hostile");
}

#[test]
fn comply_report_makes_the_same_page_from_the_json_report() {
    let ws = Workspace::new();
    ws.runbook("LIN-A-001").probe("exit 1\n").create();
    ws.run().args(["--html", "run.html"]).assert().code(1);
    ws.comply()
        .args(["report", "report.json", "-o", "again.html"])
        .assert()
        .code(0);
    assert_eq!(ws.read("run.html"), ws.read("again.html"));
    // The page never replaces the report it is made from.
    ws.comply()
        .args(["report", "report.json", "-o", "./report.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "both the report read and the page written",
        ));
    assert!(ws.read("report.json").starts_with('{'));
}

#[test]
fn a_report_of_another_schema_or_a_truncated_one_is_refused() {
    let ws = Workspace::new();
    ws.runbook("LIN-A-001").create();
    ws.run().assert().code(0);
    let report = ws.read("report.json");
    ws.write(
        "other.json",
        report.replace("comply.report/v1", "comply.report/v9"),
    );
    ws.comply()
        .args(["report", "other.json", "-o", "other.html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("other.json"))
        .stderr(predicate::str::contains("comply.report/v1"));
    ws.write("cut.json", &report[..report.len() / 2]);
    ws.comply()
        .args(["report", "cut.json", "-o", "cut.html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cut.json"));
    // A failing run whose totals were edited to look green.
    ws.runbook("LIN-B-001").probe("exit 1\n").create();
    ws.run().assert().code(1);
    let failing = ws.read("report.json");
    assert!(failing.contains("\"failures\": 1"));
    ws.write(
        "green.json",
        failing.replace("\"failures\": 1", "\"failures\": 0"),
    );
    ws.comply()
        .args(["report", "green.json", "-o", "green.html"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("green.json"))
        .stderr(predicate::str::contains("totals"));
    assert!(
        !ws.join("other.html").exists()
            && !ws.join("cut.html").exists()
            && !ws.join("green.html").exists()
    );
}
