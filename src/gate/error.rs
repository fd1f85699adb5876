//! What can go wrong while the gate builds, starts and inspects fixtures.
//! Such an error makes a case `fixture-error` (or stops `fixtures build`);
//! it is never a verdict on a runbook.

use crate::engine::EngineError;
use crate::target::TargetError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GateError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// A command inside the fixture (over ssh or `docker exec`).
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A program comply runs on this host for the gate (qemu, qemu-img,
    /// tar, the rootfs builder) would not start or failed.
    #[error("{what}: {reason}")]
    Tool { what: String, reason: String },
    /// A file or directory comply keeps for the gate.
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    /// The fixture did not do what a fixture must: boot, answer, become
    /// ready, keep its saved state.
    #[error("{0}")]
    Fixture(String),
    #[error("comply was interrupted")]
    Interrupted,
}

impl GateError {
    pub fn tool(what: &str, reason: impl std::fmt::Display) -> GateError {
        GateError::Tool {
            what: what.to_owned(),
            reason: reason.to_string(),
        }
    }

    pub fn file(path: &std::path::Path, reason: impl std::fmt::Display) -> GateError {
        GateError::File {
            path: path.display().to_string(),
            reason: reason.to_string(),
        }
    }
}
