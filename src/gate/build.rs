//! Building fixture images: a base root filesystem with debootstrap,
//! imported into the engine, then each container fixture's `docker build`;
//! VM fixtures are built by [`super::vm`]. Split from `fixture.rs` so that
//! fixture definitions depend on nothing that runs them.

use std::path::PathBuf;
use std::process::Stdio;

use super::error::GateError;
use super::fixture::{BaseImage, Fixture, FixtureKind, materialize};
use crate::engine::{Engine, FIXTURE_LABEL};

/// What a build did, for the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Built {
    UpToDate,
    Built { seconds: f64 },
}

impl Fixture {
    pub fn is_built(&self, engine: &Engine) -> bool {
        match self.def.kind {
            FixtureKind::Container => engine.image_exists(&self.image),
            FixtureKind::Vm => super::vm::is_built(self),
        }
    }

    /// Builds the fixture's image (and its base first) unless present.
    pub fn build(&self, engine: &Engine, say: &mut dyn FnMut(&str)) -> Result<Built, GateError> {
        if self.is_built(engine) {
            return Ok(Built::UpToDate);
        }
        if self.def.kind == FixtureKind::Vm {
            let started = std::time::Instant::now();
            super::vm::build(self, say)?;
            return Ok(Built::Built {
                seconds: started.elapsed().as_secs_f64(),
            });
        }
        let started = std::time::Instant::now();
        if !engine.image_exists(&self.base.image) {
            say(&format!(
                "building base image {} with debootstrap (a few minutes, once)",
                self.base.image
            ));
            build_base(engine, &self.base)?;
        }
        say(&format!("building fixture image {}", self.image));
        let context = materialize(&self.dir)?;
        let build_arg = format!("{}={}", self.def.build.base_arg, self.base.image);
        let dockerfile = context.path().join(&self.def.build.dockerfile);
        let context_dir = context.path().join(&self.def.build.context);
        let labels = [
            format!("{FIXTURE_LABEL}={}", self.def.name),
            format!("{FIXTURE_LABEL}.hash={}", self.hash),
        ];
        let mut args: Vec<String> = vec![
            "build".into(),
            "--quiet".into(),
            "--build-arg".into(),
            build_arg,
        ];
        for label in labels {
            args.extend(["--label".into(), label]);
        }
        args.extend(["--tag".into(), self.image.clone(), "--file".into()]);
        args.push(dockerfile.display().to_string());
        // `--` so a context path starting with `-` is never an option.
        args.push("--".into());
        args.push(context_dir.display().to_string());
        engine.output(&args)?;
        Ok(Built::Built {
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// debootstrap into a temporary directory, then `tar | <engine> import`.
fn build_base(engine: &Engine, base: &BaseImage) -> Result<(), GateError> {
    let recipe = materialize(&base.dir)?;
    let rootfs: PathBuf = recipe.path().join("rootfs");
    let status = std::process::Command::new("sh")
        .arg(recipe.path().join("build-rootfs.sh"))
        .arg(&rootfs)
        .arg(recipe.path().join("packages.txt"))
        .stdin(Stdio::null())
        .status()
        .map_err(|e| GateError::tool("cannot run build-rootfs.sh", e))?;
    if !status.success() {
        return Err(GateError::tool(
            &format!("build-rootfs.sh failed ({status})"),
            "it needs root, debootstrap and the Debian archive",
        ));
    }
    // --xattrs keeps file capabilities (ping's cap_net_raw).
    let mut tar = std::process::Command::new("tar")
        .args([
            "--numeric-owner",
            "--xattrs",
            "--xattrs-include=*",
            "--acls",
            "-C",
        ])
        .arg(&rootfs)
        .args(["-c", "."])
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| GateError::tool("cannot run tar", e))?;
    let tar_out = tar.stdout.take().expect("piped");
    let import = engine
        .command([
            "import",
            "--change",
            &format!("LABEL {FIXTURE_LABEL}=base"),
            "-",
            &base.image,
        ])
        .stdin(tar_out)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| GateError::tool(&format!("cannot run `{} import`", engine.name()), e))?;
    let tar_status = tar.wait().map_err(|e| GateError::tool("tar", e))?;
    if !import.success() || !tar_status.success() {
        return Err(GateError::tool(
            "importing the base root filesystem failed",
            format!("tar {tar_status}, import {import}"),
        ));
    }
    Ok(())
}
