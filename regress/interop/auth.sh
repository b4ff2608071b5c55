#!/bin/sh
# Public-key authentication as the stock client sees it: the right key lets in, a wrong
# key is refused, MaxAuthTries ends the connection once that many keys were tried.
# (auth-unknown.sh: an unknown user answered as a known one.)
# Usage: auth.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
auth_setup

expect_out "the right key logs in" hi ssh_run -- echo hi

refused "a wrong key is refused" "Permission denied (publickey)" -i "$T/w1"
refused "MaxAuthTries 2: three wrong keys before the right one end the connection" \
	"Too many authentication failures" -i "$T/w1" -i "$T/w2" -i "$T/w3" -i "$KEY"
if grep -q "maximum authentication attempts exceeded" "$SSHD_LOG"; then
	pass "MaxAuthTries: the server logs it"
else
	fail "MaxAuthTries: the server logs it"
fi
expect_out "one wrong key, then the right one, within MaxAuthTries" hi \
	ssh_run -i "$T/w1" -i "$KEY" -- echo hi
# "user:style" (a BSD auth style, as OpenSSH's proxy-connect test sends): the account is
# the part before ':'
expect_out "user:style logs in as user" "$TUSER" ssh_run -l "$TUSER:style" -- id -un

finish
