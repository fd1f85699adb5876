//! comply: a compliance test harness that treats each HIPAA control as a
//! test case — probe, remediate, re-probe — and fails runbooks that cannot
//! heal. See the README for the user's view and `docs/` for the contract.

pub mod bundle;
pub mod cancel;
pub mod catalog;
pub mod cli;
pub mod coverage;
pub mod embedded;
pub mod engine;
pub mod exit_code;
pub mod gate;
pub mod lifecycle;
pub mod lint;
pub mod list;
pub mod load;
pub mod lock;
pub mod model;
pub mod outcome;
pub mod parse;
pub mod partition;
pub mod plan;
pub mod platform;
pub mod pool;
pub mod program;
pub mod report;
pub mod results;
pub mod runner;
pub mod schedule;
pub mod step;
pub mod suggest;
pub mod target;
pub mod text;
