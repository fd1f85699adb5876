# lib/sshd-root-login.sh — the check of LIN-SSH-001 (PermitRootLogin no),
# shared by its probe and remediations: the hooks lib/sshd.sh and
# lib/sshd-remediate.sh call. Defines functions only; the runbook script
# sets $keywords, $spec_users and its inputs before calling them.
inputs_ok() { :; }
# Whether VALUE (as written in a configuration file) for KEYWORD is compliant.
value_ok() { [ "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" = no ]; }
# The runbook's test of one effective configuration ($config).
check_config() {
  value=$(setting permitrootlogin)
  case $value in
    no) echo "PermitRootLogin no: root cannot log in over SSH; administrators log in as themselves" ;;
    '') echo "sshd -T did not report PermitRootLogin"; return 2 ;;
    *) echo "PermitRootLogin $value: root can log in over SSH, so a login is not tied to a person"; return 1 ;;
  esac
}
