//! `comply fixtures build|list|prune`.

use super::CliError;
use super::args::{FixturesBuildArgs, FixturesPruneArgs};
use crate::engine::Engine;
use crate::exit_code;
use crate::gate::fixture;
use crate::report;

/// Builds the images of fixtures that are not built yet.
pub(super) fn build_fixtures(
    engine: &Engine,
    fixtures: &[fixture::Fixture],
) -> Result<(), CliError> {
    for fixture in fixtures {
        let built = fixture
            .build(engine, &mut |message| {
                eprintln!("{}: {message}", fixture.def.name)
            })
            .map_err(|error| {
                CliError::Environment(format!("fixture `{}`: {error}", fixture.def.name))
            })?;
        if let crate::gate::build::Built::Built { seconds } = built {
            eprintln!(
                "{}: built {} in {seconds:.1}s",
                fixture.def.name, fixture.image
            );
        }
    }
    Ok(())
}

pub(super) fn fixtures_build(args: FixturesBuildArgs) -> Result<i32, CliError> {
    let fixtures = args.selected()?;
    let engine = args.engine.engine();
    engine
        .check()
        .map_err(|error| CliError::Environment(error.to_string()))?;
    build_fixtures(&engine, &fixtures)?;
    for fixture in &fixtures {
        crate::outln!("{:<20} {}", fixture.def.name, fixture.image);
    }
    Ok(exit_code::OK)
}

pub(super) fn fixtures_list(args: FixturesBuildArgs) -> Result<i32, CliError> {
    let fixtures = args.selected()?;
    let engine = args.engine.engine();
    let available = engine.check().is_ok();
    for fixture in &fixtures {
        let state = match (available, available && fixture.is_built(&engine)) {
            (false, _) => "engine not available",
            (true, true) => "built",
            (true, false) => "not built",
        };
        crate::outln!(
            "{:<20} {:<8} {:<10} {:<42} {state}",
            fixture.def.name,
            fixture.def.platform,
            format!("{:?}", fixture.def.kind).to_lowercase(),
            fixture.image
        );
    }
    Ok(exit_code::OK)
}

pub(super) fn fixtures_prune(args: FixturesPruneArgs) -> Result<i32, CliError> {
    // Every fixture, opt-in ones too: their images are in use.
    let fixtures: Vec<fixture::Fixture> = fixture::all(args.fixtures.as_deref())?
        .into_values()
        .collect();
    let engine = args.engine.engine();
    engine
        .check()
        .map_err(|error| CliError::Environment(error.to_string()))?;
    let (containers, machines) = crate::gate::leftovers::prune(&engine, &fixtures)
        .map_err(|error| CliError::Environment(error.to_string()))?;
    crate::outln!(
        "removed {} and {} left behind by a gate",
        report::console::plural(containers, "container", "containers"),
        report::console::plural(machines, "virtual machine", "virtual machines")
    );
    Ok(exit_code::OK)
}
