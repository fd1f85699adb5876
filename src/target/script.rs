//! How a script is handed to a target: the command line that runs it and
//! the bytes sent on its standard input (see docs/targets.md).
//!
//! A shell script travels as one argument, `sh -c SCRIPT comply`, never on
//! standard input: a shell reading its program from a pipe reads it as it
//! runs, so whatever the script does with standard input (`read`, `cat`,
//! `ssh`, `apt-get`) would read the rest of the script, and no wrapper
//! around the text can stop it — a line `}` once closed comply's own
//! `{ …; } </dev/null` early. As an argument the script is parsed from
//! memory, its standard input is empty, and no script text can change how
//! it is run. The kernel takes at most 128 KiB in one argument, hence
//! [`MAX_SCRIPT_BYTES`].
//!
//! Other interpreters (python, perl) read their whole program before
//! running it and get the script on standard input, unchanged.

pub use crate::model::MAX_SCRIPT_BYTES;

/// Shells, which take their program with `-c`.
const SHELLS: [&str; 7] = ["sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"];

/// `$0` of a shell script: what its error messages start with.
const SCRIPT_NAME: &str = "comply-step";

/// The interpreter command: `sh`, or the script's shebang line split into
/// words (`#!/usr/bin/env python3` → `["/usr/bin/env", "python3"]`).
fn interpreter(script: &str) -> Vec<String> {
    match script.strip_prefix("#!") {
        Some(rest) => {
            let line = rest.lines().next().unwrap_or_default();
            let words: Vec<String> = line.split_whitespace().map(str::to_owned).collect();
            if words.is_empty() {
                vec!["sh".to_owned()]
            } else {
                words
            }
        }
        None => vec!["sh".to_owned()],
    }
}

/// Whether the interpreter is a shell (directly or through `env`).
fn is_shell(interpreter: &[String]) -> bool {
    let program = match interpreter {
        [env, program, ..] if env.ends_with("/env") => program,
        [program, ..] => program,
        [] => return true,
    };
    let name = program.rsplit('/').next().unwrap_or(program);
    SHELLS.contains(&name)
}

/// How one script runs: the command's words and its standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub argv: Vec<String>,
    pub stdin: Vec<u8>,
}

impl Invocation {
    pub fn of(script: &str) -> Invocation {
        let mut argv = interpreter(script);
        if is_shell(&argv) {
            argv.extend(["-c".to_owned(), script.to_owned(), SCRIPT_NAME.to_owned()]);
            Invocation {
                argv,
                stdin: Vec::new(),
            }
        } else {
            Invocation {
                argv,
                stdin: script.as_bytes().to_vec(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_interpreter() {
        assert_eq!(interpreter("exit 0\n"), ["sh"]);
        assert_eq!(interpreter("#!/bin/bash -e\nexit 0\n"), ["/bin/bash", "-e"]);
        assert_eq!(
            interpreter("#!/usr/bin/env python3\nprint(1)\n"),
            ["/usr/bin/env", "python3"]
        );
    }

    #[test]
    fn shell_scripts_are_one_argument_with_an_empty_stdin() {
        let hostile = "echo a\n}\ncat\n";
        assert_eq!(
            Invocation::of(hostile),
            Invocation {
                argv: vec![
                    "sh".into(),
                    "-c".into(),
                    hostile.into(),
                    "comply-step".into()
                ],
                stdin: vec![],
            }
        );
        let bash = "#!/bin/bash -e\nset -u\n";
        assert_eq!(
            Invocation::of(bash).argv,
            ["/bin/bash", "-e", "-c", bash, "comply-step"]
        );
    }

    #[test]
    fn other_interpreters_read_the_script_on_stdin() {
        let python = "#!/usr/bin/env python3\nprint(1)\n";
        let invocation = Invocation::of(python);
        assert_eq!(invocation.argv, ["/usr/bin/env", "python3"]);
        assert_eq!(invocation.stdin, python.as_bytes());
    }
}
