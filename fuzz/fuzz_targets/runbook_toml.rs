//! Fuzzes `comply::parse::runbook_toml`: any bytes give a result, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = comply::parse::runbook_toml(data);
});
