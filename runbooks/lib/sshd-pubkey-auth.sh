# lib/sshd-pubkey-auth.sh — the check of LIN-SSH-005 (PubkeyAuthentication
# yes), shared by its probe and remediations: the hooks lib/sshd.sh and
# lib/sshd-remediate.sh call. Defines functions only; the runbook script
# sets $keywords, $spec_users and its inputs before calling them.
inputs_ok() { :; }
# Whether VALUE (as written in a configuration file) for KEYWORD is compliant.
value_ok() { [ "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" = yes ]; }
# The runbook's test of one effective configuration ($config).
check_config() {
  value=$(setting pubkeyauthentication)
  case $value in
    yes) echo "PubkeyAuthentication yes: users can authenticate with a key instead of a password" ;;
    '') echo "sshd -T did not report PubkeyAuthentication"; return 2 ;;
    *) echo "PubkeyAuthentication $value: key-based logins are refused, which leaves only passwords"; return 1 ;;
  esac
}
