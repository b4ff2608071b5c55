#!/bin/sh
# Public-key authentication as the stock client sees it: the right key lets in, a wrong
# key is refused, MaxAuthTries ends the connection once that many keys were tried.
# (auth-unknown.sh: an unknown user answered as a known one.)
# Usage: auth.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
for k in w1 w2 w3; do
	ssh-keygen -q -t ed25519 -N '' -f "$T/$k" </dev/null || exit 1
done

start_sshd "MaxAuthTries 2" "LogLevel VERBOSE" "PasswordAuthentication no" \
	"KbdInteractiveAuthentication no" || { fail "sshd starts"; finish; }

expect_out "the right key logs in" hi ssh_run -- echo hi

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
refused "MaxAuthTries 2: three wrong keys before the right one end the connection" \
	"Too many authentication failures" -i "$T/w1" -i "$T/w2" -i "$T/w3" -i "$KEY"
if grep -q "maximum authentication attempts exceeded" "$SSHD_LOG"; then
	pass "MaxAuthTries: the server logs it"
else
	fail "MaxAuthTries: the server logs it"
fi
expect_out "one wrong key, then the right one, within MaxAuthTries" hi \
	ssh_run -i "$T/w1" -i "$KEY" -- echo hi

finish
