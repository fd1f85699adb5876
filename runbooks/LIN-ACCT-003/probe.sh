# Compliant when no two local accounts share a user ID. The kernel, file
# ownership and the audit trail know only the number, so accounts that share
# one cannot be told apart. No automatic fix (L3): renumbering an account
# means re-owning its files and processes; a person decides which keeps it.
if ! shared=$(awk -F: '
    { names[$3] = ($3 in names) ? names[$3] ", " $1 : $1; count[$3]++ }
    END { for (uid in count) if (count[uid] > 1) print "user ID " uid ": " names[uid] }
  ' /etc/passwd); then
  echo "could not read /etc/passwd"
  exit 2
fi
if [ -n "$shared" ]; then
  echo "accounts share a user ID: $(printf '%s\n' "$shared" | sort | paste -sd';' -)"
  exit 1
fi
echo "every local account has its own user ID ($(wc -l < /etc/passwd) accounts)"
