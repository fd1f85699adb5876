//! Helpers for driving the real `comply` binary against runbooks written
//! into a temporary directory, and for reading its reports back.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub struct Workspace {
    dir: TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn write(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.join(relative)).unwrap()
    }

    /// A runbook directory `runbooks/<id>` with an L1 default.
    pub fn runbook(&self, id: &str) -> RunbookBuilder<'_> {
        RunbookBuilder {
            workspace: self,
            id: id.to_owned(),
            tier: "L1".to_owned(),
            title: format!("Runbook {id} keeps the host compliant"),
            hipaa: "164.312(b)".to_owned(),
            extra: String::new(),
            probe: "exit 0\n".to_owned(),
            remediate: Some("touch /dev/null\n".to_owned()),
            verify: None,
        }
    }

    /// `comply` with no colour, run from the workspace.
    pub fn comply(&self) -> Command {
        let mut command = Command::cargo_bin("comply").expect("the comply binary is built");
        command
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env_remove("COMPLY_CONTAINER_ENGINE");
        command
    }

    /// `comply run --runbooks runbooks --junit report.xml --json report.json`.
    pub fn run(&self) -> Command {
        let mut command = self.comply();
        command.args([
            "run",
            "--runbooks",
            "runbooks",
            "--junit",
            "report.xml",
            "--json",
            "report.json",
        ]);
        command
    }

    pub fn junit(&self) -> Junit {
        Junit::parse(&self.read("report.xml"))
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.read("report.json")).expect("the JSON report parses")
    }
}

pub struct RunbookBuilder<'a> {
    workspace: &'a Workspace,
    id: String,
    tier: String,
    title: String,
    hipaa: String,
    extra: String,
    probe: String,
    remediate: Option<String>,
    verify: Option<String>,
}

impl RunbookBuilder<'_> {
    pub fn tier(mut self, tier: &str) -> Self {
        self.tier = tier.to_owned();
        if tier == "L3" {
            self.remediate = None;
        }
        self
    }

    pub fn hipaa(mut self, citation: &str) -> Self {
        self.hipaa = citation.to_owned();
        self
    }

    /// More `runbook.toml` lines (before any `[inputs]` table).
    pub fn toml(mut self, lines: &str) -> Self {
        self.extra.push_str(lines);
        self.extra.push('\n');
        self
    }

    pub fn probe(mut self, script: &str) -> Self {
        self.probe = script.to_owned();
        self
    }

    pub fn remediate(mut self, script: &str) -> Self {
        self.remediate = Some(script.to_owned());
        self
    }

    pub fn verify(mut self, script: &str) -> Self {
        self.verify = Some(script.to_owned());
        self
    }

    pub fn create(self) -> PathBuf {
        let dir = format!("runbooks/{}", self.id);
        let (top, tables) = match self.extra.find("\n[") {
            Some(index) => self.extra.split_at(index + 1),
            None if self.extra.starts_with('[') => ("", self.extra.as_str()),
            None => (self.extra.as_str(), ""),
        };
        self.workspace.write(
            &format!("{dir}/runbook.toml"),
            format!(
                "id = \"{}\"\ntitle = \"{}\"\nhipaa = [\"{}\"]\ntier = \"{}\"\n{top}{tables}",
                self.id, self.title, self.hipaa, self.tier
            ),
        );
        self.workspace
            .write(&format!("{dir}/probe.sh"), &self.probe);
        if let Some(remediate) = &self.remediate {
            self.workspace
                .write(&format!("{dir}/remediate.sh"), remediate);
        }
        if let Some(verify) = &self.verify {
            self.workspace.write(&format!("{dir}/verify.sh"), verify);
        }
        self.workspace.join(&dir)
    }
}

/// A test case read back from a JUnit report.
#[derive(Debug, Clone)]
pub struct JunitCase {
    pub classname: String,
    pub name: String,
    /// `pass`, or the element: `failure`, `error`, `skipped`.
    pub element: String,
    /// The `type` attribute (the outcome name) of a non-pass element.
    pub kind: Option<String>,
    pub message: Option<String>,
    pub properties: BTreeMap<String, String>,
    pub system_out: String,
}

impl JunitCase {
    /// The `comply.outcome` property, or in strict reports (which have no
    /// test case properties) the element's `type`, or `pass`.
    pub fn outcome(&self) -> &str {
        self.properties
            .get("comply.outcome")
            .or(self.kind.as_ref())
            .map_or("pass", String::as_str)
    }

    /// The `comply.runbook` property (full reports only).
    pub fn runbook(&self) -> &str {
        &self.properties["comply.runbook"]
    }
}

#[derive(Debug, Clone)]
pub struct JunitSuite {
    pub attributes: BTreeMap<String, String>,
    pub properties: BTreeMap<String, String>,
    pub cases: Vec<JunitCase>,
}

#[derive(Debug, Clone)]
pub struct Junit {
    pub attributes: BTreeMap<String, String>,
    pub suites: Vec<JunitSuite>,
}

fn attributes(node: roxmltree::Node<'_, '_>) -> BTreeMap<String, String> {
    node.attributes()
        .map(|a| (a.name().to_owned(), a.value().to_owned()))
        .collect()
}

fn properties(node: roxmltree::Node<'_, '_>) -> BTreeMap<String, String> {
    node.children()
        .filter(|n| n.has_tag_name("properties"))
        .flat_map(|p| p.children().filter(|n| n.has_tag_name("property")))
        .map(|p| {
            (
                p.attribute("name").unwrap().to_owned(),
                p.attribute("value").unwrap().to_owned(),
            )
        })
        .collect()
}

impl Junit {
    /// Parses with roxmltree, a strict XML 1.0 parser: any malformed byte
    /// fails the test.
    pub fn parse(xml: &str) -> Junit {
        let document =
            roxmltree::Document::parse(xml).expect("the JUnit report is well-formed XML");
        let root = document.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suites = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|suite| JunitSuite {
                attributes: attributes(suite),
                properties: properties(suite),
                cases: suite
                    .children()
                    .filter(|n| n.has_tag_name("testcase"))
                    .map(|case| {
                        let status = case.children().find(|n| {
                            ["failure", "error", "skipped"]
                                .iter()
                                .any(|t| n.has_tag_name(*t))
                        });
                        JunitCase {
                            classname: case.attribute("classname").unwrap_or_default().to_owned(),
                            name: case.attribute("name").unwrap().to_owned(),
                            element: status
                                .map_or("pass".to_owned(), |n| n.tag_name().name().to_owned()),
                            kind: status.and_then(|n| n.attribute("type")).map(str::to_owned),
                            message: status
                                .and_then(|n| n.attribute("message"))
                                .map(str::to_owned),
                            properties: properties(case),
                            system_out: case
                                .children()
                                .find(|n| n.has_tag_name("system-out"))
                                .and_then(|n| n.text())
                                .unwrap_or_default()
                                .to_owned(),
                        }
                    })
                    .collect(),
            })
            .collect();
        Junit {
            attributes: attributes(root),
            suites,
        }
    }

    pub fn cases(&self) -> impl Iterator<Item = &JunitCase> {
        self.suites.iter().flat_map(|s| &s.cases)
    }

    /// (runbook, outcome) of every case, in report order.
    pub fn outcomes(&self) -> Vec<(String, String)> {
        self.cases()
            .map(|case| (case.runbook().to_owned(), case.outcome().to_owned()))
            .collect()
    }

    /// (fixture, runbook, scenario, outcome) of every gate case, in report
    /// order.
    pub fn gate_cases(&self) -> Vec<[String; 4]> {
        self.cases()
            .map(|case| {
                [
                    case.properties["comply.fixture"].clone(),
                    case.runbook().to_owned(),
                    case.properties["comply.scenario"].clone(),
                    case.outcome().to_owned(),
                ]
            })
            .collect()
    }

    /// The gate's outcome by (runbook, scenario).
    pub fn gate_outcomes(&self) -> BTreeMap<(String, String), String> {
        self.cases()
            .map(|case| {
                let scenario = case.properties["comply.scenario"].clone();
                (
                    (case.runbook().to_owned(), scenario),
                    case.outcome().to_owned(),
                )
            })
            .collect()
    }

    pub fn case(&self, runbook: &str) -> &JunitCase {
        // Strict reports have no test case properties: fall back to the name.
        let in_name = format!(" {runbook}: ");
        self.cases()
            .find(|case| match case.properties.get("comply.runbook") {
                Some(id) => id == runbook,
                None => case.name.contains(&in_name),
            })
            .unwrap_or_else(|| panic!("no test case for {runbook}"))
    }
}

/// Runs `xmllint --schema` on a report; the schema is the Jenkins xunit
/// junit-10.xsd shipped in `tests/data/`.
pub fn validate_with_xsd(report: &Path) -> Result<(), String> {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/junit-10.xsd");
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(report)
        .output()
        .expect("xmllint is installed (Debian package libxml2-utils; ci/test installs it)");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// Whether the tests run as root (some set-ups need to give files away).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Runs headless Chromium (Debian's `chromium`, installed by ci/install)
/// on a file with `args`, each call with its own profile so tests can run
/// side by side; its standard output.
fn chromium(page: &Path, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("chromium")
        .args([
            "--headless",
            // Root (CI) cannot use Chromium's sandbox.
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium is installed (ci/install)");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The DOM a real browser builds from an HTML file, after its scripts ran.
pub fn browser_dom(page: &Path) -> String {
    chromium(page, &["--dump-dom".to_owned()])
}

/// A screenshot of `page`, kept after the tests in
/// `target/tmp/artefacts/NAME.png` for a person to look at.
pub fn browser_screenshot(page: &Path, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artefacts");
    std::fs::create_dir_all(&dir).unwrap();
    let shot = dir.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    chromium(
        page,
        &[
            "--window-size=1280,2400".to_owned(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000,
        "a real picture"
    );
    shot
}
