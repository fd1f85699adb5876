//! Replays `fuzz/regressions/<target>/*`: inputs that once crashed a loader
//! (or sit at a bound), named `*.err` when they must be refused and `*.ok`
//! when they must load. Any panic fails the test, as it would the fuzzer.

use std::path::Path;

type Loader = fn(&[u8]) -> Result<(), comply::load::InputError>;

const TARGETS: [(&str, Loader); 4] = [
    ("suite_toml", comply::parse::suite),
    ("bundle_json", comply::parse::bundle),
    ("runbook_toml", comply::parse::runbook_toml),
    ("inventory", comply::parse::inventory),
];

#[test]
fn every_regression_input_gives_its_expected_result() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut replayed = 0;
    for (target, load) in TARGETS {
        for entry in std::fs::read_dir(root.join(target)).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            let result = load(&bytes);
            match path.extension().and_then(|e| e.to_str()) {
                Some("ok") => assert!(result.is_ok(), "{}: {:?}", path.display(), result),
                Some("err") => assert!(result.is_err(), "{}: loaded", path.display()),
                // A crash file cargo fuzz saved: only not panicking counts.
                _ => {}
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 8, "only {replayed} inputs found");
}
