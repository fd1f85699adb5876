echo "cannot parse audit rules" >&2
exit 5
