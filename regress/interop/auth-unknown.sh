#!/bin/sh
# An unknown user is answered exactly as a known one with a wrong key (the same
# "Permission denied (publickey)."), and a known key does not open an unknown account.
# Usage: auth-unknown.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
for k in w1 w2 w3; do
	ssh-keygen -q -t ed25519 -N '' -f "$T/$k" </dev/null || exit 1
done

start_sshd "MaxAuthTries 2" "LogLevel VERBOSE" "PasswordAuthentication no" \
	"KbdInteractiveAuthentication no" || { fail "sshd starts"; finish; }

# refused NAME WANT-TEXT ssh-options...: exit 255 and WANT-TEXT in the client's stderr
refused() {
	name=$1 want=$2
	shift 2
	out=$(ssh_run "$@" -- echo hi 2>"$T/err" </dev/null)
	rc=$?
	if [ $rc -eq 255 ] && [ -z "$out" ] && grep -q -- "$want" "$T/err"; then
		pass "$name"
	else
		fail "$name" "exit $rc, stdout '$out', stderr '$(cat "$T/err")'"
	fi
}
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
