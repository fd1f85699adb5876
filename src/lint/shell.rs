//! What a shell script does, as far as it can be known without running it:
//! every simple command it may execute (in `&&`/`||` chains, pipelines,
//! functions, conditionals, loops and command substitutions), with its
//! words where they are static and its file redirections.
//!
//! Parsing is tree-sitter-bash's (bash is a superset of POSIX sh), so
//! comments, quoting, here-documents and line continuations are understood
//! rather than pattern-matched: `echo "sed -i /etc/x"` is one `echo`, and a
//! here-document's text is data, not commands.
//!
//! One file on purpose: one walk over one syntax tree; a quarter of it is
//! tests.

use std::collections::{HashMap, HashSet};

use tree_sitter::{Node, Parser};

/// A word's value when it is static: quotes removed, escapes resolved, and
/// variables with a single literal assignment in the script substituted.
pub type Word = Option<String>;

/// How a redirection opens its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectKind {
    /// `>`, `>|`, `&>`, `<>`: truncates or creates.
    Write,
    /// `>>`, `&>>`.
    Append,
    /// `<`, here-strings, descriptor duplication: writes nothing.
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    pub kind: RedirectKind,
    pub target: Word,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// 1-based line of the command's first word.
    pub line: usize,
    /// Program and arguments; empty for a redirection applied to a
    /// compound command (`{ …; } > /etc/x`).
    pub argv: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// A `[ … ]` or `[[ … ]]` test: it only looks.
    pub test: bool,
}

/// Commands that run another command given as their arguments.
const WRAPPERS: [&str; 9] = [
    "sudo", "doas", "command", "exec", "nohup", "env", "nice", "timeout", "builtin",
];

impl SimpleCommand {
    /// The program that really runs and its arguments, past wrappers such
    /// as `sudo`, `env VAR=1`, `timeout 30`.
    pub fn program(&self) -> Option<(&str, &[Word])> {
        let mut rest: &[Word] = &self.argv;
        loop {
            let (first, tail) = rest.split_first()?;
            let name = first.as_deref()?;
            let name = name.rsplit('/').next().unwrap_or(name);
            if !WRAPPERS.contains(&name) {
                return Some((name, tail));
            }
            // Skip the wrapper's own options and arguments.
            let mut index = 0;
            while let Some(Some(word)) = tail.get(index) {
                let is_option = word.starts_with('-');
                let is_assignment = name == "env" && word.contains('=');
                let is_duration =
                    name == "timeout" && word.chars().next().is_some_and(|c| c.is_ascii_digit());
                if !(is_option || is_assignment || is_duration) {
                    break;
                }
                index += 1;
                // `nice -n 5`, `sudo -u root`: options that take a value.
                if matches!(
                    (name, word.as_str()),
                    ("nice", "-n")
                        | ("sudo", "-u")
                        | ("sudo", "-g")
                        | ("timeout", "-s")
                        | ("timeout", "-k")
                ) {
                    index += 1;
                }
            }
            rest = &tail[index.min(tail.len())..];
        }
    }
}

/// The analysis of one script.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub commands: Vec<SimpleCommand>,
    /// Anything besides comments and blank lines.
    pub has_code: bool,
    /// The line of the first syntax error, if the script does not parse.
    pub syntax_error: Option<usize>,
    /// Functions the script defines; calling one runs its body, which is
    /// already among `commands`.
    pub functions: HashSet<String>,
    /// The line of an unconditional top-level `exit` or `return` followed
    /// by more code: nothing after it runs, and it is not in `commands`.
    pub ends_early: Option<usize>,
}

pub fn analyze(text: &str) -> Analysis {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bash::LANGUAGE.into())
        .expect("the bundled grammar matches the tree-sitter version");
    let Some(tree) = parser.parse(text, None) else {
        return Analysis {
            has_code: !text.trim().is_empty(),
            syntax_error: Some(1),
            ..Analysis::default()
        };
    };
    let root = tree.root_node();
    let mut walker = Walker {
        source: text,
        variables: HashMap::new(),
        script: Analysis::default(),
    };
    walker.collect_variables(root);
    walker.script.has_code = children(root).any(|child| child.kind() != "comment");
    // Top-level statements run in order until an unconditional exit.
    let mut exit_line = None;
    for statement in children(root) {
        if statement.kind() == "comment" {
            continue;
        }
        if let Some(line) = exit_line {
            walker.script.ends_early = Some(line);
            break;
        }
        walker.visit(statement);
        if walker.is_exit(statement) {
            exit_line = Some(line(statement));
        }
    }
    walker.script
}

fn children<'a>(node: Node<'a>) -> impl Iterator<Item = Node<'a>> {
    (0..node.child_count()).filter_map(move |i| node.child(i))
}

fn line(node: Node<'_>) -> usize {
    node.start_position().row + 1
}

struct Walker<'a> {
    source: &'a str,
    /// `Some(value)` for a variable assigned one literal value, `None` for
    /// one assigned several values or a dynamic one.
    variables: HashMap<String, Option<String>>,
    script: Analysis,
}

impl<'a> Walker<'a> {
    fn text(&self, node: Node<'_>) -> &'a str {
        &self.source[node.byte_range()]
    }

    /// Whether a statement is a plain `exit` or `return` (not part of a
    /// `&&`/`||` list or a condition, which may not run it).
    fn is_exit(&self, statement: Node<'_>) -> bool {
        statement.kind() == "command"
            && statement
                .child_by_field_name("name")
                .is_some_and(|name| matches!(self.text(name), "exit" | "return"))
    }

    /// Assignments in document order, so `b="$a/x"` after `a=/etc` resolves.
    fn collect_variables(&mut self, node: Node<'_>) {
        if node.kind() == "variable_assignment"
            && let Some(name) = node.child_by_field_name("name")
        {
            let value = match node.child_by_field_name("value") {
                Some(value) => self.literal(value),
                None => Some(String::new()),
            };
            let name = self.text(name).to_owned();
            let merged = match self.variables.get(&name) {
                Some(previous) if previous != &value => None,
                _ => value,
            };
            self.variables.insert(name, merged);
        }
        for child in children(node) {
            self.collect_variables(child);
        }
    }

    fn visit(&mut self, node: Node<'_>) {
        match node.kind() {
            "ERROR" => {
                self.script.syntax_error.get_or_insert(line(node));
            }
            "command" => self.command(node),
            "function_definition" => {
                if let Some(name) = node.child_by_field_name("name") {
                    self.script.functions.insert(self.text(name).to_owned());
                }
            }
            "test_command" => self.script.commands.push(SimpleCommand {
                line: line(node),
                argv: vec![Some("[".to_owned())],
                redirects: Vec::new(),
                test: true,
            }),
            "redirected_statement" => {
                let body = node.child_by_field_name("body");
                if body.is_none_or(|body| body.kind() != "command") {
                    let redirects = self.redirects_of(node);
                    if !redirects.is_empty() {
                        self.script.commands.push(SimpleCommand {
                            line: line(node),
                            argv: Vec::new(),
                            redirects,
                            test: false,
                        });
                    }
                }
            }
            _ => {}
        }
        if node.is_missing() {
            self.script.syntax_error.get_or_insert(line(node));
        }
        for child in children(node) {
            self.visit(child);
        }
    }

    fn command(&mut self, node: Node<'_>) {
        let mut argv = Vec::new();
        if let Some(name) = node.child_by_field_name("name") {
            let word = name.named_child(0).unwrap_or(name);
            argv.push(self.literal(word));
        }
        let mut cursor = node.walk();
        for argument in node.children_by_field_name("argument", &mut cursor) {
            argv.push(self.literal(argument));
        }
        let mut redirects = self.redirects_of(node);
        if let Some(parent) = node.parent()
            && parent.kind() == "redirected_statement"
            && parent.child_by_field_name("body") == Some(node)
        {
            redirects.extend(self.redirects_of(parent));
        }
        self.script.commands.push(SimpleCommand {
            line: line(node),
            argv,
            redirects,
            test: false,
        });
    }

    /// File redirections among a node's children, including those written
    /// after a here-document's start (`cat <<EOF > /etc/x`).
    fn redirects_of(&self, node: Node<'_>) -> Vec<Redirect> {
        let mut redirects = Vec::new();
        for child in children(node) {
            match child.kind() {
                "file_redirect" => redirects.push(self.redirect(child)),
                "heredoc_redirect" | "herestring_redirect" => {
                    redirects.extend(
                        children(child)
                            .filter(|c| c.kind() == "file_redirect")
                            .map(|c| self.redirect(c)),
                    );
                }
                _ => {}
            }
        }
        redirects
    }

    fn redirect(&self, node: Node<'_>) -> Redirect {
        let operator = children(node)
            .find(|c| !c.is_named())
            .map(|c| self.text(c))
            .unwrap_or_default();
        let kind = match operator {
            ">" | ">|" | "&>" | "<>" => RedirectKind::Write,
            ">>" | "&>>" => RedirectKind::Append,
            _ => RedirectKind::Other,
        };
        let target = node
            .child_by_field_name("destination")
            .and_then(|d| self.literal(d));
        Redirect {
            kind,
            target,
            line: line(node),
        }
    }

    /// A word's static value, if it has one.
    fn literal(&self, node: Node<'_>) -> Word {
        let text = self.text(node);
        match node.kind() {
            "word" | "number" | "variable_name" => Some(unescape_word(text)),
            "raw_string" => Some(
                text.trim_start_matches('\'')
                    .trim_end_matches('\'')
                    .to_owned(),
            ),
            "string" => {
                let mut value = String::new();
                for part in children(node) {
                    match part.kind() {
                        "\"" => {}
                        "string_content" => {
                            value.push_str(&unescape_double_quoted(self.text(part)))
                        }
                        _ => value.push_str(&self.literal(part)?),
                    }
                }
                Some(value)
            }
            "concatenation" => children(node).map(|part| self.literal(part)).collect(),
            "simple_expansion" => {
                let name = node.named_child(0)?;
                self.variables.get(self.text(name)).cloned().flatten()
            }
            "expansion" => {
                // Only the plain `${name}` form has a static value.
                let parts: Vec<Node<'_>> = children(node).collect();
                match parts.as_slice() {
                    [open, name, close]
                        if self.text(*open) == "${"
                            && name.kind() == "variable_name"
                            && self.text(*close) == "}" =>
                    {
                        self.variables.get(self.text(*name)).cloned().flatten()
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Backslash quoting outside quotes: `c\ d` is `c d`; a backslash-newline
/// joins lines.
fn unescape_word(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\n') | None => {}
            Some(next) => out.push(next),
        }
    }
    out
}

/// Inside double quotes a backslash escapes only `$`, `` ` ``, `"`, `\` and
/// newline.
fn unescape_double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('$' | '`' | '"' | '\\') => out.push(chars.next().expect("peeked")),
                Some('\n') => {
                    chars.next();
                }
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(text: &str) -> Vec<Vec<Word>> {
        analyze(text).commands.into_iter().map(|c| c.argv).collect()
    }

    fn words(list: &[&str]) -> Vec<Word> {
        list.iter().map(|w| Some((*w).to_owned())).collect()
    }

    #[test]
    fn quoted_text_is_one_argument() {
        assert_eq!(
            argvs("echo \"sed -i /etc/x\"\n"),
            [words(&["echo", "sed -i /etc/x"])]
        );
        assert_eq!(
            argvs("echo 'a b' c\\ d \"x\\\"y\"\n"),
            [words(&["echo", "a b", "c d", "x\"y"])]
        );
    }

    #[test]
    fn comments_and_here_documents_are_not_commands() {
        let script = analyze("# sed -i /etc/x\ncat > /etc/x.d/a <<'EOF'\nsed -i /etc/y\nEOF\n");
        assert_eq!(script.commands.len(), 1);
        assert_eq!(script.commands[0].argv, words(&["cat"]));
        assert_eq!(
            script.commands[0].redirects[0].target.as_deref(),
            Some("/etc/x.d/a")
        );
        assert_eq!(script.commands[0].redirects[0].kind, RedirectKind::Write);
        assert!(analyze("# only\n\n# comments\n").commands.is_empty());
        assert!(!analyze("# only\n\n# comments\n").has_code);
    }

    #[test]
    fn chains_functions_substitutions_and_continuations() {
        let script = analyze(
            "true && sed -i s/a/b/ \\\n  /etc/x || exit 1\nf() { systemctl start foo; }\nx=$(tee /etc/z)\n",
        );
        let names: Vec<&str> = script
            .commands
            .iter()
            .filter_map(|c| c.argv[0].as_deref())
            .collect();
        assert_eq!(names, ["true", "sed", "exit", "systemctl", "tee"]);
        assert_eq!(
            script.commands[1].argv.last().unwrap().as_deref(),
            Some("/etc/x")
        );
        assert_eq!(script.commands[1].line, 1);
        assert_eq!(script.commands[3].line, 3);
    }

    #[test]
    fn literal_variables_are_substituted() {
        let script = analyze(
            "d=/etc/ssh\nconf=\"$d/sshd_config\"\nsed -i x \"$conf\" ${conf}.bak\nrm \"$dynamic\"\n",
        );
        assert_eq!(
            script.commands[0].argv,
            words(&[
                "sed",
                "-i",
                "x",
                "/etc/ssh/sshd_config",
                "/etc/ssh/sshd_config.bak"
            ])
        );
        assert_eq!(script.commands[1].argv[1], None);
    }

    #[test]
    fn redirections_of_compound_commands() {
        let script = analyze("{ echo a; echo b; } >> /etc/motd\n");
        let block = script.commands.iter().find(|c| c.argv.is_empty()).unwrap();
        assert_eq!(block.redirects[0].kind, RedirectKind::Append);
        assert_eq!(block.redirects[0].target.as_deref(), Some("/etc/motd"));
    }

    #[test]
    fn wrappers_are_seen_through() {
        let script = analyze("sudo -u root env A=1 timeout -s KILL 30 tee -a /etc/x\n");
        let (program, args) = script.commands[0].program().unwrap();
        assert_eq!(program, "tee");
        assert_eq!(args, words(&["-a", "/etc/x"]).as_slice());
    }

    #[test]
    fn code_after_a_top_level_exit_is_not_run() {
        let script = analyze("echo start\nexit 0\nsystemctl restart foo\n");
        assert_eq!(script.ends_early, Some(2));
        let names: Vec<_> = script
            .commands
            .iter()
            .filter_map(|c| c.program())
            .map(|(n, _)| n)
            .collect();
        assert_eq!(names, ["echo", "exit"]);
        // A conditional exit stops nothing.
        let script = analyze(
            "[ -f /x ] || exit 0\nsystemctl restart foo\nif true; then exit 0; fi\ntouch /y\n",
        );
        assert_eq!(script.ends_early, None);
        assert_eq!(
            script.commands.len(),
            6,
            "test, exit, systemctl, true, exit, touch"
        );
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(analyze("if true; then\n  echo\n").syntax_error.is_some());
        assert!(analyze("echo ok\n").syntax_error.is_none());
    }
}
