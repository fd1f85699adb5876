# Compliant when the password stack of the `passwd` service (includes
# expanded) runs pam_pwquality.so, before pam_unix (which sets the
# password), as requisite or required, enforcing, for
# root as well (enforce_for_root), and the shortest password it accepts is
# at least password_min_length characters long. Settings come from the
# module's arguments, else /etc/security/pwquality.conf, which libpwquality
# reads after the pwquality.conf.d/*.conf drop-ins (so its value wins over
# theirs), else the defaults (minlen 8, credits 0, enforcing 1, no
# enforce_for_root); libpwquality raises a minlen below 6 to 6.
# The shortest accepted password: each character of a class with a
# positive credit (dcredit, ucredit, lcredit, ocredit) counts once more, up
# to the credit, so a password of L characters scores at most
# L + min(L, sum of positive credits); the shortest with a score of minlen
# is max(minlen - sum, ceil(minlen / 2)) characters (the floor of 6 applies
# to minlen, not to this). Without enforce_for_root, pam_pwquality only
# warns root — who sets other users' passwords with `passwd USER` — and
# the short password is set anyway: for a minimum-length control that is
# non-compliant.
min=${COMPLY_INPUT_PASSWORD_MIN_LENGTH:-}
case "$min" in
  '' | *[!0-9]* | 0) echo "input password_min_length must be a whole number of at least 1, got '$min'" >&2; exit 2 ;;
esac
[ -e /etc/pam.d/passwd ] || { echo "/etc/pam.d/passwd does not exist: passwords are not changed through PAM here"; exit 77; }
line=$(stack passwd password | awk -F '\t' '$2 ~ /^pam_pwquality\.so/ { print; exit }')
if [ -z "$line" ]; then
  echo "pam_pwquality is not in the password stack of passwd: new passwords are not checked for length"
  exit 1
fi
control=${line%%	*}
args=${line#*	}
minlen=$(pwq_value minlen 8)
enforcing=$(pwq_value enforcing 1)
dcredit=$(pwq_value dcredit 0)
ucredit=$(pwq_value ucredit 0)
lcredit=$(pwq_value lcredit 0)
ocredit=$(pwq_value ocredit 0)
root=
grep -Eqs '^[[:space:]]*enforce_for_root[[:space:]]*$' /etc/security/pwquality.conf.d/*.conf /etc/security/pwquality.conf && root=yes
for arg in $args; do
  case $arg in
    minlen=*) minlen=${arg#minlen=} ;;
    enforcing=*) enforcing=${arg#enforcing=} ;;
    dcredit=*) dcredit=${arg#dcredit=} ;;
    ucredit=*) ucredit=${arg#ucredit=} ;;
    lcredit=*) lcredit=${arg#lcredit=} ;;
    ocredit=*) ocredit=${arg#ocredit=} ;;
    enforce_for_root) root=yes ;;
  esac
done
case "$minlen" in '' | *[!0-9]*) echo "pam_pwquality minlen '$minlen' is not a number"; exit 2 ;; esac
[ "$minlen" -ge 6 ] || minlen=6
credit=0
credits=
for c in "dcredit=$dcredit" "ucredit=$ucredit" "lcredit=$lcredit" "ocredit=$ocredit"; do
  v=${c#*=}
  case "$v" in '' | - | *[!0-9-]* | ?*-*) echo "pam_pwquality ${c%%=*} '$v' is not a number"; exit 2 ;; esac
  if [ "$v" -gt 0 ]; then credit=$((credit + v)); credits="$credits $c"; fi
done
shortest=$((minlen - credit))
half=$(((minlen + 1) / 2))
[ "$shortest" -ge "$half" ] || shortest=$half
status=0
# pam_pwquality must check the password before pam_unix sets it (with
# pam-auth-update's layout, pam_unix's success jumps past everything after it).
if stack passwd password | awk -F '\t' '$2 ~ /^pam_pwquality\.so/ && !q { q = NR } $2 ~ /^pam_unix\.so/ && !u { u = NR } END { exit !(q && u && u < q) }'; then
  echo "pam_pwquality comes after pam_unix in the password stack of passwd: pam_unix sets the new password before pam_pwquality checks it"
  status=1
fi
case "$control" in
  requisite | required) ;;
  *) echo "pam_pwquality runs as '$control': a password it rejects can still be set"; status=1 ;;
esac
if [ "$enforcing" = 0 ]; then
  echo "pam_pwquality has enforcing = 0: it only warns about a short password"
  status=1
fi
if [ "$shortest" -lt "$min" ]; then
  echo "new passwords may be as short as $shortest characters (minlen $minlen${credits:+, less the positive credits$credits}; required: $min)"
  status=1
fi
if [ -z "$root" ]; then
  echo "pam_pwquality does not enforce its rules for root (no enforce_for_root): root, who sets other users' passwords with passwd USER, only gets a warning and the short password is set"
  status=1
fi
[ "$status" = 0 ] && echo "pam_pwquality ($control, enforce_for_root) requires new passwords of at least $shortest characters (minlen $minlen${credits:+, positive credits$credits}; required: $min)"
exit "$status"
