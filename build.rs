//! The suite, runbooks and fixtures are compiled into the binary with
//! `include_dir!`, which cannot tell cargo that a new file appeared; these
//! lines make any change under those directories rebuild comply.
fn main() {
    for dir in ["suites", "runbooks", "fixtures"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
