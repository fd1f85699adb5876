# lib/sshd-algorithms.sh — the check of LIN-SSH-006 (Ciphers), LIN-SSH-007
# (MACs) and LIN-SSH-008 (KexAlgorithms): sshd offers only algorithms of
# an approved list. Defines functions only; uses setting (lib/sshd.sh).
#
# Provides the hooks lib/sshd.sh and lib/sshd-remediate.sh call
# (inputs_ok, value_ok, check_config) and supported_list. The runbook
# script sets, before calling them: $keywords (sshd -T's lower-case
# keyword), $approved (the input's list), $alg_name (the keyword as sshd
# reports it missing), $alg_words (what the algorithms are called in
# messages), $alg_input (the input's name) and $alg_query (`ssh -Q` query).
inputs_ok() {
  [ -n "$approved" ] || { echo "input $alg_input is empty: list the approved $alg_words" >&2; return 1; }
}
# Whether VALUE (as written in a configuration file) for KEYWORD is compliant:
# a list of approved algorithms only (a "-" list only removes some).
value_ok() {
  case $2 in -*) return 0 ;; esac
  for alg in $(printf '%s\n' "${2#[+^]}" | tr ',' ' '); do
    case " $approved " in *" $alg "*) ;; *) return 1 ;; esac
  done
}
# The runbook's test of one effective configuration ($config).
check_config() {
  offered=$(setting "$keywords")
  [ -n "$offered" ] || { echo "sshd -T did not report $alg_name"; return 2; }
  unapproved=''
  for alg in $(printf '%s\n' "$offered" | tr ',' ' '); do
    case " $approved " in
      *" $alg "*) ;;
      *) unapproved="$unapproved $alg" ;;
    esac
  done
  if [ -n "$unapproved" ]; then
    echo "sshd offers $alg_words outside $alg_input:$unapproved"
    return 1
  fi
  echo "sshd offers only approved $alg_words: $offered"
}
# The approved algorithms this OpenSSH supports, in the input's order (sshd
# refuses to start with an unknown name), comma-separated.
supported_list() {
  supported=$(ssh -Q "$alg_query" 2>/dev/null) || supported=''
  list=''
  for alg in $approved; do
    if [ -z "$supported" ] || printf '%s\n' "$supported" | grep -qxF "$alg"; then
      list="${list:+$list,}$alg"
    fi
  done
  [ -n "$list" ] || { echo "this OpenSSH supports none of the $alg_words in $alg_input" >&2; return 1; }
  printf '%s\n' "$list"
}
