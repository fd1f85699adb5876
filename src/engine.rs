//! The container engine's command line (`docker` or `podman`): the one place
//! that knows its verbs and output formats. The docker target, fixture
//! builds and the gate all go through it.

use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The label every container the gate starts carries, so `comply fixtures
/// prune` can find leftovers of a killed run.
pub const GATE_LABEL: &str = "comply.gate";
/// The label of fixture images, naming the fixture.
pub const FIXTURE_LABEL: &str = "comply.fixture";

/// The engine could not do what comply asked. `stderr` is the engine's own
/// words, shown as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("cannot run `{engine}`: {reason}")]
    Spawn { engine: String, reason: String },
    #[error("{command} failed ({status}): {stderr}")]
    Failed {
        command: String,
        status: String,
        stderr: String,
    },
    /// The container or image named does not exist.
    #[error("{command} failed ({status}): {stderr}")]
    NoSuchObject {
        command: String,
        status: String,
        stderr: String,
    },
    #[error("the container engine `{engine}` does not answer ({reason}); is its daemon running?")]
    NotAnswering {
        engine: String,
        reason: Box<EngineError>,
    },
}

/// Whether the engine's error message says the object does not exist
/// (docker: `No such container`, podman: `no such container`). Reading the
/// engine's words is the only way to know; it happens here, once.
fn says_no_such(stderr: &str) -> bool {
    stderr.to_lowercase().contains("no such")
}

/// The state of a container, from `inspect`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerState {
    Missing,
    Stopped(String),
    Running,
}

#[derive(Debug, Clone)]
pub struct Engine {
    program: PathBuf,
    name: String,
}

impl Engine {
    /// `--engine`, else `COMPLY_CONTAINER_ENGINE`, else `docker`.
    pub fn new(choice: Option<&str>) -> Engine {
        let name = choice
            .map(str::to_owned)
            .or_else(|| {
                std::env::var("COMPLY_CONTAINER_ENGINE")
                    .ok()
                    .filter(|v| !v.is_empty())
            })
            .unwrap_or_else(|| "docker".to_owned());
        Engine {
            program: crate::program::resolve_program(&name),
            name,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// `path` as a bind mount's source, when the engine's containers run
    /// on this machine — no `DOCKER_HOST`/`CONTAINER_HOST`, nor a docker
    /// context, pointing elsewhere — and the mount syntax can carry it (no
    /// comma).
    pub fn local_path_of(&self, path: &std::path::Path) -> Option<String> {
        let elsewhere = |host: &str| !host.is_empty() && !host.starts_with("unix://");
        let remote = ["DOCKER_HOST", "CONTAINER_HOST"]
            .iter()
            .any(|name| std::env::var(name).is_ok_and(|host| elsewhere(&host)))
            || (self.name == "docker"
                && self
                    .output([
                        "context",
                        "inspect",
                        "--format",
                        "{{.Endpoints.docker.Host}}",
                    ])
                    .is_ok_and(|host| elsewhere(host.trim())));
        let path = path.to_str()?;
        (!remote && !path.contains(',')).then(|| path.to_owned())
    }

    /// A command line for the engine.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(&self.program);
        command.args(args).stdin(Stdio::null());
        command
    }

    /// Runs an engine command to completion and returns its stdout, or an
    /// error with its stderr.
    pub fn output<I, S>(&self, args: I) -> Result<String, EngineError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.command(args);
        let rendered = format!("{command:?}");
        let output: Output = command.output().map_err(|error| self.spawn_error(&error))?;
        if output.status.success() {
            return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
        }
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        let status = output.status.to_string();
        Err(if says_no_such(&stderr) {
            EngineError::NoSuchObject {
                command: rendered,
                status,
                stderr,
            }
        } else {
            EngineError::Failed {
                command: rendered,
                status,
                stderr,
            }
        })
    }

    fn spawn_error(&self, error: &std::io::Error) -> EngineError {
        EngineError::Spawn {
            engine: self.name.clone(),
            reason: error.to_string(),
        }
    }

    /// Whether the engine answers at all.
    pub fn check(&self) -> Result<(), EngineError> {
        self.output(["version", "--format", "{{.Server.Version}}"])
            .map(|_| ())
            .map_err(|error| EngineError::NotAnswering {
                engine: self.name.clone(),
                reason: Box::new(error),
            })
    }

    pub fn state(&self, container: &str) -> Result<ContainerState, EngineError> {
        let status = self.output([
            "inspect",
            "--type",
            "container",
            "--format",
            "{{.State.Status}}",
            "--",
            container,
        ]);
        Ok(match status {
            Err(EngineError::NoSuchObject { .. }) => ContainerState::Missing,
            Err(error) => return Err(error),
            Ok(status) if status.trim() == "running" => ContainerState::Running,
            Ok(status) => ContainerState::Stopped(status.trim().to_owned()),
        })
    }

    pub fn inspect(&self, object: &str, format: &str) -> Result<String, EngineError> {
        self.output(["inspect", "--format", format, "--", object])
            .map(|s| s.trim().to_owned())
    }

    pub fn image_exists(&self, image: &str) -> bool {
        self.command(["image", "inspect", "--", image])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    /// Starts a detached container and returns its id.
    pub fn run_detached(&self, args: &[String]) -> Result<String, EngineError> {
        let mut all = vec!["run".to_owned(), "--detach".to_owned()];
        all.extend_from_slice(args);
        self.output(&all).map(|id| id.trim().to_owned())
    }

    pub fn restart(&self, container: &str, stop_timeout_s: u64) -> Result<(), EngineError> {
        self.output([
            "restart",
            "--time",
            &stop_timeout_s.to_string(),
            "--",
            container,
        ])
        .map(|_| ())
    }

    /// Removes a container whatever its state; a missing one is fine.
    pub fn remove(&self, container: &str) -> Result<(), EngineError> {
        match self.output(["rm", "--force", "--volumes", "--", container]) {
            Ok(_) => Ok(()),
            Err(EngineError::NoSuchObject { .. }) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Containers (running or not) carrying a label, with the label's value.
    pub fn containers_labelled(&self, label: &str) -> Result<Vec<(String, String)>, EngineError> {
        let filter = format!("label={label}");
        let format = format!("{{{{.ID}}}}\t{{{{.Label \"{label}\"}}}}");
        Ok(self
            .output([
                "ps",
                "--all",
                "--no-trunc",
                "--filter",
                &filter,
                "--format",
                &format,
            ])?
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(id, value)| (id.to_owned(), value.to_owned()))
            .collect())
    }
}
