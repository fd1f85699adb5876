//! Finding the programs comply runs.

/// The absolute path of a program on the `PATH`, so the spawn needs no path
/// search (and can use posix_spawn); the name itself when not found, which
/// then fails to start with a clear error. Lookups are remembered: a run
/// spawns the same few interpreters thousands of times.
pub fn resolve_program(program: &str) -> std::path::PathBuf {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, PathBuf>>> = OnceLock::new();
    if program.contains('/') {
        return program.into();
    }
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(program.to_owned())
        .or_insert_with(|| search_path(program))
        .clone()
}

fn search_path(program: &str) -> std::path::PathBuf {
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(program))
                .find(|candidate| {
                    rustix::fs::access(candidate, rustix::fs::Access::EXEC_OK).is_ok()
                })
        })
        .unwrap_or_else(|| program.into())
}
