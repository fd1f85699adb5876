# lib/sshd-lockout.sh — the lock-out guard of LIN-SSH-001 (PermitRootLogin
# no) and LIN-SSH-003 (PasswordAuthentication no), called by their
# remediations (Debian and NixOS) through preflight. Defines functions only.
#
# Provides: lockout_guard. Reads $what (what is about to be refused, for
# the messages) and the input ssh_break_glass_account; uses sshd_effective
# from lib/sshd.sh.
# Before root logins or passwords are refused, someone must still be able to
# log in: a non-root account with a login shell in an administrators' group
# (sudo, wheel, admin) and a key in its authorized keys file (AuthorizedKeysFile
# as sshd -T reports it), or the account named by the input
# ssh_break_glass_account. Otherwise exits 3, having changed nothing, and says
# what a person must do.
# shellcheck disable=SC2154 # $what is set by the runbook script
lockout_guard() {
  break_glass=${COMPLY_INPUT_SSH_BREAK_GLASS_ACCOUNT:-}
  if [ -n "$break_glass" ]; then
    if ! entry=$(getent passwd "$break_glass"); then
      echo "not changed: the input ssh_break_glass_account names '$break_glass', which is not an account on this host; name an existing account that can still log in once $what is refused" >&2
      exit 3
    fi
    if [ "$(printf '%s\n' "$entry" | cut -d: -f3)" = 0 ]; then
      echo "not changed: the input ssh_break_glass_account names '$break_glass', which is root (UID 0): it cannot log in once $what is refused; name a non-root account" >&2
      exit 3
    fi
    echo "break-glass account (input ssh_break_glass_account): $break_glass"
    return 0
  fi
  if ! config=$(sshd_effective); then
    echo "not changed: sshd -T could not evaluate the SSH server's configuration (its error is on stderr)" >&2
    exit 2
  fi
  key_files=$(printf '%s\n' "$config" | awk '$1 == "authorizedkeysfile" { $1 = ""; sub(/^ +/, ""); print; exit }')
  admins=''
  # shellcheck disable=SC2034 # the unused fields of /etc/passwd
  while IFS=: read -r name _ uid _ _ home shell; do
    [ -n "$name" ] && [ "$uid" != 0 ] || continue
    case $shell in */nologin | */false) continue ;; esac
    case " $(id -nG "$name" 2>/dev/null) " in
      *' sudo '* | *' wheel '* | *' admin '*) ;;
      *) continue ;;
    esac
    admins="$admins $name"
    for pattern in $key_files; do
      [ "$pattern" != none ] || continue
      file=$(printf '%s\n' "$pattern" | sed -e "s|%h|$home|g" -e "s|%u|$name|g" -e "s|%U|$uid|g" -e 's|%%|%|g')
      case $file in /*) ;; *) file=$home/$file ;; esac
      if [ -f "$file" ] && grep -Eq '^[[:space:]]*[^#[:space:]]' "$file"; then
        echo "lock-out guard: administrator $name can still log in with the key in $file"
        return 0
      fi
    done
  done <<PASSWD
$(getent passwd)
PASSWD
  [ -z "$admins" ] || admins=" (members without a key:$admins)"
  echo "not changed: once $what is refused, nobody could log in over SSH to administer this host: no non-root account in the sudo, wheel or admin group$admins has a key in its authorized keys file (AuthorizedKeysFile: ${key_files:-none}). Give an administrator a key first (e.g. ssh-copy-id to a member of sudo/wheel), or name the account that keeps access in the input ssh_break_glass_account, then run the remediation again." >&2
  exit 3
}
