#!/bin/sh
# An unknown user is answered exactly as a known one with a wrong key (the same
# "Permission denied (publickey)."), and a known key does not open an unknown account.
# Usage: auth-unknown.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
auth_setup

refused "a wrong key is refused" "Permission denied (publickey)" -i "$T/w1"
cp "$T/err" "$T/err.known"
# an unknown user: the same answer as a known one with a wrong key
refused "an unknown user is refused" "Permission denied (publickey)" -l msshd-nosuchuser \
	-i "$T/w1"
sed "s/msshd-nosuchuser/USER/" "$T/err" > "$T/err.unknown"
sed "s/$TUSER/USER/" "$T/err.known" > "$T/err.known2"
if cmp -s "$T/err.known2" "$T/err.unknown"; then
	pass "an unknown user is answered as a known one"
else
	fail "an unknown user is answered as a known one" \
		"known: '$(cat "$T/err.known2")' unknown: '$(cat "$T/err.unknown")'"
fi
# and the right key of another user does not open an unknown user's account
refused "an unknown user with a known key is refused" "Permission denied (publickey)" \
	-l msshd-nosuchuser -i "$KEY"
finish
