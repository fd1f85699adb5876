# lib/sshd-empty-passwords.sh — the check of LIN-SSH-004
# (PermitEmptyPasswords no), shared by its probe and remediations: the hooks
# lib/sshd.sh and lib/sshd-remediate.sh call. Defines functions only; the
# runbook script sets $keywords, $spec_users and its inputs before calling
# them.
inputs_ok() { :; }
# Whether VALUE (as written in a configuration file) for KEYWORD is compliant.
value_ok() { [ "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" = no ]; }
# The runbook's test of one effective configuration ($config).
check_config() {
  value=$(setting permitemptypasswords)
  case $value in
    no) echo "PermitEmptyPasswords no: sshd refuses accounts with an empty password" ;;
    '') echo "sshd -T did not report PermitEmptyPasswords"; return 2 ;;
    *) echo "PermitEmptyPasswords $value: sshd lets accounts with an empty password log in without authenticating"; return 1 ;;
  esac
}
