//! `comply completions SHELL` and `comply man`: what packagers install
//! (shell completions, man pages), generated from the same clap
//! definitions as the command line so they cannot drift from it.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::{Cli, CliError};
use crate::exit_code;

#[derive(Args, Debug)]
pub(super) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub(super) struct ManArgs {
    /// Write comply.1 and a page per subcommand (comply-run.1 …) into this
    /// directory; without it, comply.1 goes to standard output.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub(super) fn completions(args: CompletionsArgs) -> Result<i32, CliError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "comply", &mut script);
    write_stdout(&script)
}

pub(super) fn man(args: ManArgs) -> Result<i32, CliError> {
    let command = Cli::command();
    match args.dir {
        Some(dir) => {
            let failed = |source| CliError::Write {
                path: dir.clone(),
                source,
            };
            std::fs::create_dir_all(&dir).map_err(failed)?;
            clap_mangen::generate_to(command, &dir).map_err(failed)?;
            Ok(exit_code::OK)
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .expect("rendering into memory cannot fail");
            write_stdout(&page)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> Result<i32, CliError> {
    use std::io::Write;
    // A reader that stops early (`| head`) has what it wanted.
    let _ = std::io::stdout().write_all(bytes);
    Ok(exit_code::OK)
}
