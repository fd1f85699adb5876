//! The static checks against a table of shell snippets, including the forms
//! that fool substring search: comments, here-documents, quoted strings,
//! `&&`/`||`/`;` chains, line continuations and functions.

use rstest::rstest;

use super::shell::analyze;
use super::{Check, effect, nixos, systemd};

/// Which checks fire on a snippet used as a NixOS remediation, with the
/// line of the first finding of each.
fn fired(snippet: &str) -> Vec<(Check, Option<usize>)> {
    let script = analyze(snippet);
    let mut found: Vec<(Check, Option<usize>)> = Vec::new();
    found.extend(effect::check(&script, "remediate").map(|f| (f.check, f.line)));
    found.extend(
        nixos::platform_hazards(&script, "remediate.nixos")
            .into_iter()
            .map(|f| (f.check, f.line))
            .take(1),
    );
    found.extend(
        systemd::start_without_enable(&script, "remediate")
            .into_iter()
            .map(|f| (f.check, f.line))
            .take(1),
    );
    found
}

const EMPTY: Check = Check::EmptyRunbook;
const NOOP: Check = Check::NoopRunbook;
const HAZARD: Check = Check::PlatformHazard;
const START: Check = Check::StartWithoutEnable;

#[rstest]
// empty-runbook
#[case::blank("", &[(EMPTY, None)])]
#[case::whitespace(" \n\t\n", &[(EMPTY, None)])]
#[case::only_comments("# TODO: fix journald\n# later\n", &[(EMPTY, None)])]
#[case::shebang_only("#!/bin/sh\n", &[(EMPTY, None)])]
// noop-runbook
#[case::only_true("true\n", &[(NOOP, Some(1))])]
#[case::only_colon(":\n", &[(NOOP, Some(1))])]
#[case::exit_zero("# pretend\nexit 0\n", &[(NOOP, Some(2))])]
#[case::echo_and_exit("echo \"fixed\"; exit 0\n", &[(NOOP, Some(1))])]
#[case::printf_logger_sleep("printf 'ok\\n'\nlogger -t comply healed\nsleep 1\n", &[(NOOP, Some(1))])]
#[case::echo_to_dev_null("echo fixed > /dev/null 2>&1\n", &[(NOOP, Some(1))])]
#[case::noop_in_if("if true; then echo ok; else echo no; fi\n", &[(NOOP, Some(1))])]
#[case::noop_in_function("heal() { echo healing; }\nheal\n", &[(NOOP, Some(1))])]
#[case::test_and_echo("[ -f /etc/x ] && echo present\n", &[(NOOP, Some(1))])]
#[case::assignments_only("x=1\nexport Y=2\n", &[(NOOP, None)])]
#[case::quoted_sed_is_just_echo("echo \"sed -i s/a/b/ /etc/systemd/journald.conf\"\n", &[(NOOP, Some(1))])]
#[case::heredoc_text_is_data("cat <<'EOF' >/dev/null\nsed -i /etc/x\nEOF\n", &[])]
#[case::comment_mentions_sed("# sed -i s/a/b/ /etc/ssh/sshd_config\ntrue\n", &[(NOOP, Some(2))])]
// changes something: no finding
#[case::exit_one_is_an_honest_failure("echo cannot fix; exit 1\n", &[])]
#[case::echo_into_a_file("echo Storage=persistent >> /var/tmp/x\n", &[])]
#[case::real_command("systemctl restart systemd-journald\n", &[])]
#[case::dynamic_exit("exit $status\n", &[])]
#[case::unknown_redirect_target("echo x > \"$target\"\n", &[])]
#[case::syntax_error_gets_no_verdict("if true; then\n  echo\n", &[])]
// platform-hazard
#[case::sed_in_place("sed -i 's/^#Storage=.*/Storage=persistent/' /etc/systemd/journald.conf\n", &[(HAZARD, Some(1))])]
#[case::sed_after_and("true && sed -i s/a/b/ /etc/x\n", &[(HAZARD, Some(1))])]
#[case::sed_after_or_and_semicolon("false || echo x; sed -Ei.bak -e s/a/b/ /etc/ssh/sshd_config\n", &[(HAZARD, Some(1))])]
#[case::sed_continued_line("sed -i \\\n  s/a/b/ \\\n  /etc/login.defs\n", &[(HAZARD, Some(1))])]
#[case::sed_in_function("fix() {\n  sed --in-place s/a/b/ /etc/x\n}\nfix\n", &[(HAZARD, Some(2))])]
#[case::sed_via_variable("conf=/etc/systemd/journald.conf\nsed -i s/a/b/ \"$conf\"\n", &[(HAZARD, Some(2))])]
#[case::sed_without_i_reads_only("sed -n s/a/b/p /etc/x > /tmp/out\n", &[])]
#[case::sed_in_place_drop_in("sed -i s/a/b/ /etc/systemd/journald.conf.d/99-comply.conf\n", &[])]
#[case::redirect_into_etc("echo 'PermitRootLogin no' >> /etc/ssh/sshd_config\n", &[(HAZARD, Some(1))])]
#[case::redirect_of_a_block("{\n  echo a\n} > /etc/issue\n", &[(HAZARD, Some(3))])]
#[case::redirect_into_drop_in("mkdir -p /etc/systemd/journald.conf.d\necho x > /etc/systemd/journald.conf.d/99.conf\n", &[])]
#[case::heredoc_into_etc("cat > /etc/sysctl.conf <<EOF\nkernel.randomize_va_space = 2\nEOF\n", &[(HAZARD, Some(1))])]
#[case::tee_into_etc("echo x | sudo tee -a /etc/login.defs >/dev/null\n", &[(HAZARD, Some(1))])]
#[case::cp_into_etc("cp /tmp/sshd_config /etc/ssh/sshd_config\n", &[(HAZARD, Some(1))])]
#[case::install_target_dir("install -m 0644 -t /etc/ssh a b\n", &[(HAZARD, Some(1))])]
#[case::ln_into_etc("ln -sf /run/x /etc/resolv.conf\n", &[(HAZARD, Some(1))])]
#[case::mv_into_nixos_dir("mv /tmp/comply.nix /etc/nixos/comply.nix\n", &[])]
#[case::apt_get("apt-get install -y auditd\n", &[(HAZARD, Some(1))])]
#[case::apt_in_substitution("v=$(apt list --installed 2>/dev/null)\n", &[(HAZARD, Some(1))])]
#[case::etc_in_a_string_is_not_a_write("echo \"/etc/ssh/sshd_config is managed\" > /tmp/note\n", &[])]
// start-without-enable
#[case::start_only("systemctl start auditd\n", &[(START, Some(1))])]
#[case::start_in_chain("systemctl daemon-reload && systemctl start nftables.service\n", &[(START, Some(1))])]
#[case::start_and_enable("systemctl enable auditd\nsystemctl start auditd.service\n", &[])]
#[case::enable_now("systemctl enable --now apt-daily-upgrade.timer\n", &[])]
#[case::start_with_option("systemctl --no-block start chrony\n", &[(START, Some(1))])]
#[case::echoed_start_is_not_a_start("echo 'systemctl start auditd' >> /var/log/comply.log\n", &[])]
fn static_checks(#[case] snippet: &str, #[case] expected: &[(Check, Option<usize>)]) {
    assert_eq!(fired(snippet), expected, "snippet:\n{snippet}");
}
