//! Fuzzes `comply::parse::suite`: any bytes give a result, never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = comply::parse::suite(data);
});
