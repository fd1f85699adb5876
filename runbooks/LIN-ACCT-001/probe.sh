# Compliant when no local account has an empty password field, neither in
# /etc/shadow nor in /etc/passwd (an empty field there, instead of "x",
# bypasses the shadow file). Such an account logs in without any password
# wherever PAM's `nullok` allows it, as Debian's common-auth does. Accounts
# from a directory service (LDAP, SSSD) are not local and not checked here.
[ -r /etc/shadow ] || { echo "/etc/shadow is not readable: the probe must run as root"; exit 2; }
if ! empty=$(awk -F: '
    FILENAME == "/etc/shadow" && $2 == "" { print $1 " (empty password in /etc/shadow)" }
    FILENAME == "/etc/passwd" && $2 == "" { print $1 " (empty password field in /etc/passwd)" }
  ' /etc/shadow /etc/passwd); then
  echo "could not read /etc/passwd and /etc/shadow"
  exit 2
fi
if [ -n "$empty" ]; then
  echo "$(printf '%s\n' "$empty" | wc -l) account(s) can log in with an empty password:"
  printf '%s\n' "$empty"
  exit 1
fi
echo "no local account has an empty password ($(wc -l < /etc/passwd) accounts checked)"
