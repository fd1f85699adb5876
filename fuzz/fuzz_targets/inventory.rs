//! Fuzzes `comply::parse::inventory`: any bytes give a result, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = comply::parse::inventory(data);
});
