//! How a script is handed to a target: which interpreter reads it, and the
//! bytes sent on that interpreter's standard input (SPEC §2).

/// Shells that read their program from standard input as they go.
const SHELLS: [&str; 7] = ["sh", "bash", "dash", "ash", "ksh", "mksh", "zsh"];

/// The interpreter command: `sh`, or the script's shebang line split into
/// words (`#!/usr/bin/env python3` → `["/usr/bin/env", "python3"]`).
pub fn interpreter(script: &str) -> Vec<String> {
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

/// The bytes sent on standard input.
///
/// A shell reading its program from a pipe reads it as it runs, so a command
/// in the script that reads standard input (`read`, `ssh`, `apt-get`) would
/// swallow the rest of the script. Wrapping the script in one brace group
/// with `</dev/null` makes the shell parse all of it before running any of
/// it, and gives its commands an empty standard input — without an extra
/// process. The `{ : ;` goes on the script's first line (after a shebang) so
/// line numbers in error messages stay those of the file; the `:` keeps an
/// empty script valid. Other interpreters (python, perl) read their whole
/// program before running it and get the script unchanged.
pub fn stdin_bytes(script: &str, interpreter: &[String]) -> Vec<u8> {
    if !is_shell(interpreter) {
        return script.as_bytes().to_vec();
    }
    let (shebang, body) = match script.strip_prefix("#!") {
        Some(_) => match script.split_once('\n') {
            Some((first, rest)) => (Some(first), rest),
            None => (Some(script), ""),
        },
        None => (None, script),
    };
    let mut bytes = Vec::with_capacity(script.len() + 32);
    if let Some(shebang) = shebang {
        bytes.extend_from_slice(shebang.as_bytes());
        bytes.push(b'\n');
    }
    bytes.extend_from_slice(b"{ : ; ");
    bytes.extend_from_slice(body.as_bytes());
    bytes.extend_from_slice(b"\n} </dev/null\n");
    bytes
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
    fn wraps_shell_scripts_and_keeps_line_numbers() {
        let wrapped = String::from_utf8(stdin_bytes("echo a\necho b\n", &interpreter(""))).unwrap();
        assert_eq!(wrapped, "{ : ; echo a\necho b\n\n} </dev/null\n");
        let bash = "#!/bin/bash\nset -e\n";
        let wrapped = String::from_utf8(stdin_bytes(bash, &interpreter(bash))).unwrap();
        assert_eq!(wrapped, "#!/bin/bash\n{ : ; set -e\n\n} </dev/null\n");
    }

    #[test]
    fn leaves_other_interpreters_alone() {
        let python = "#!/usr/bin/env python3\nprint(1)\n";
        assert_eq!(stdin_bytes(python, &interpreter(python)), python.as_bytes());
    }
}
