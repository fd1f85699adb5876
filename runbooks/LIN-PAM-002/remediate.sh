# Debian/Ubuntu: put pam_pwquality back into the password stack when it is
# missing (pam-auth-update --enable pwquality, installing libpam-pwquality
# if needed) or comes after pam_unix (the profiles that put it there are
# disabled, Debian's enabled), then, when the shortest accepted password is too short, the
# rules are not enforced, or not for root, write the drop-in
# /etc/security/pwquality.conf.d/99-comply-LIN-PAM-002.conf: minlen = the
# larger of the current one and password_min_length (never lowered),
# enforcing = 1, enforce_for_root, and 0 for each positive credit (dcredit,
# ucredit, lcredit, ocredit: they let a password be shorter than minlen;
# negative credits, which require characters, are left alone). A value in
# pwquality.conf itself wins over every drop-in, so a wrong one there
# (minlen too low, enforcing = 0, a positive credit) is changed in place.
# A module argument that overrides them with a wrong value is left to a
# person.
set -eu
min=${COMPLY_INPUT_PASSWORD_MIN_LENGTH:-}
case "$min" in
  '' | *[!0-9]* | 0) echo "input password_min_length must be a whole number of at least 1, got '$min'" >&2; exit 2 ;;
esac
if ! stack passwd password | grep -q '	pam_pwquality\.so'; then
  if [ ! -e /usr/share/pam-configs/pwquality ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpam-pwquality
  fi
  DEBIAN_FRONTEND=noninteractive pam-auth-update --enable pwquality
  stack passwd password | grep -q '	pam_pwquality\.so' ||
    { echo "pam_pwquality is still not in the password stack of passwd (is /etc/pam.d/common-password modified by hand?)" >&2; exit 1; }
  echo "pam_pwquality enabled in common-password"
fi
# pam_pwquality after pam_unix checks nothing (pam_unix has set the password
# by then): the pam-auth-update profiles that put it there are disabled
# (their files stay) and Debian's pwquality profile, which puts it first,
# is enabled.
after() {
  stack passwd password | awk -F '\t' '$2 ~ /^pam_pwquality\.so/ && !q { q = NR } $2 ~ /^pam_unix\.so/ && !u { u = NR } END { exit !(q && u && u < q) }'
}
if after; then
  late=$(for f in /usr/share/pam-configs/*; do
      if [ ! -f "$f" ] || [ "${f##*/}" = pwquality ]; then continue; fi
      if awk '/^[A-Za-z-]+:/ { section = $1 } (section == "Password:" || section == "Password-Initial:") && /pam_pwquality\.so/ { found = 1 } END { exit !found }' "$f"; then
        echo "${f##*/}"
      fi
    done)
  [ -n "$late" ] || { echo "pam_pwquality comes after pam_unix in the password stack, and no pam-auth-update profile but Debian's adds it: fix /etc/pam.d/common-password by hand" >&2; exit 1; }
  # shellcheck disable=SC2086 # one word per profile
  DEBIAN_FRONTEND=noninteractive pam-auth-update --disable $late
  DEBIAN_FRONTEND=noninteractive pam-auth-update --enable pwquality
  ! after || { echo "pam_pwquality still comes after pam_unix in the password stack (is /etc/pam.d/common-password modified by hand?)" >&2; exit 1; }
  echo "pam-auth-update profiles disabled (they ran pam_pwquality after pam_unix): $late; pwquality enabled"
fi
dropin=/etc/security/pwquality.conf.d/99-comply-LIN-PAM-002.conf
main=/etc/security/pwquality.conf
minlen=$(pwq_value minlen 8)
enforcing=$(pwq_value enforcing 1)
case "$minlen" in '' | *[!0-9]*) minlen=0 ;; esac
[ "$minlen" -ge 6 ] || minlen=6
credit=0
positive=
for key in dcredit ucredit lcredit ocredit; do
  v=$(pwq_value "$key" 0)
  case "$v" in '' | - | *[!0-9-]* | ?*-*) v=0 ;; esac
  if [ "$v" -gt 0 ]; then credit=$((credit + v)); positive="$positive $key"; fi
done
shortest=$((minlen - credit))
[ "$shortest" -ge $(((minlen + 1) / 2)) ] || shortest=$(((minlen + 1) / 2))
root=
grep -Eqs '^[[:space:]]*enforce_for_root[[:space:]]*$' /etc/security/pwquality.conf.d/*.conf "$main" && root=yes
if [ "$shortest" -lt "$min" ] || [ "$enforcing" = 0 ] || [ -z "$root" ]; then
  want=$min
  [ "$minlen" -gt "$want" ] && want=$minlen
  mkdir -p /etc/security/pwquality.conf.d
  {
    printf '# Written by comply LIN-PAM-002 (45 CFR 164.308(a)(5)(ii)(D)).\n'
    printf 'minlen = %s\nenforcing = 1\nenforce_for_root\n' "$want"
    for key in $positive; do printf '%s = 0\n' "$key"; done
  } > "$dropin"
  # pwquality.conf is read after the drop-ins: its wrong values are changed.
  for key in minlen enforcing $positive; do
    v=$(sed -n "s/^[[:space:]]*${key}[[:space:]]*=\{0,1\}[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$main" 2>/dev/null | tail -n 1)
    [ -n "$v" ] || continue
    case "$key" in
      minlen) [ "$v" -lt "$want" ] 2>/dev/null || continue; to=$want ;;
      enforcing) [ "$v" = 0 ] || continue; to=1 ;;
      *) [ "$v" -gt 0 ] 2>/dev/null || continue; to=0 ;;
    esac
    sed -i -E "s/^[[:space:]]*$key([[:space:]]|=).*/$key = $to/" "$main"
    echo "$main: $key = $to"
  done
  echo "$dropin: minlen = $want, enforcing = 1, enforce_for_root${positive:+; set to 0:$positive}"
fi
args=$(stack passwd password | awk -F '\t' '$2 ~ /^pam_pwquality\.so/ { print $2; exit }')
for arg in $args; do
  case $arg in
    minlen=*) [ "${arg#minlen=}" -ge "$min" ] 2>/dev/null || { echo "the pam_pwquality line itself sets $arg, which overrides the configuration files: fix it by hand" >&2; exit 1; } ;;
    enforcing=0) echo "the pam_pwquality line itself sets enforcing=0: fix it by hand" >&2; exit 1 ;;
    [dulo]credit=*) [ "${arg#*=}" -le 0 ] 2>/dev/null || { echo "the pam_pwquality line itself sets $arg, which lets passwords be shorter than minlen: fix it by hand" >&2; exit 1; } ;;
  esac
done
