//! End-to-end tests of the `comply` binary: real processes, real reports.
//! One test binary, one module per concern.

mod agent;
mod baseline;
mod commands;
mod concurrency;
mod containers;
mod docker_target;
mod fleet;
mod fuzz_corpus;
mod gate;
mod hostile;
mod html;
mod input_errors;
mod lint;
mod outcomes;
mod package;
mod plan;
mod reports;
mod signing;
mod ssh_target;
mod support;
mod vm;
