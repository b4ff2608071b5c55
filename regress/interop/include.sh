#!/bin/sh
# Include: a connection is served with the configuration the listener read at start-up,
# included files too.  The server starts with "Include DIR/*.conf" where a.conf says
# "AcceptEnv MSSHD_INC_A"; then a.conf is changed, a new b.conf appears (matching the
# pattern) and finally the directory is removed — and every later connection still
# accepts MSSHD_INC_A and not MSSHD_INC_B, as the texts read at start-up say.
# Usage: include.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
mkdir -p "$T/inc"
echo "AcceptEnv MSSHD_INC_A" > "$T/inc/a.conf"
start_sshd "Include $T/inc/*.conf" || { fail "sshd starts"; finish; }

# env_seen NAME: both variables sent, what the session saw printed as "A:B"
env_seen() {
	got=$(ssh_run -o SetEnv=MSSHD_INC_A=one -o SetEnv=MSSHD_INC_B=two -- \
		'echo "${MSSHD_INC_A:-}:${MSSHD_INC_B:-}"' 2>"$T/err")
	rc=$?
	[ $rc -eq 0 ] && [ "$got" = "one:" ] && pass "$1" ||
		fail "$1" "exit $rc, got '$got', $(head -c 300 "$T/err")"
}

env_seen "AcceptEnv from the included file applies"

echo "AcceptEnv MSSHD_NOTHING" > "$T/inc/a.conf"
echo "AcceptEnv MSSHD_INC_B" > "$T/inc/b.conf"
env_seen "the included file changed, another matches now: the start-up texts apply"

rm -rf "$T/inc"
env_seen "the included files removed: the start-up texts apply"

kill -0 "$SSHD_PID" 2>/dev/null && pass "the listener still runs" ||
	fail "the listener still runs"
grep -q "was not read when the server started\|cannot read included file" "$SSHD_LOG" &&
	fail "no connection reads an included file" "$(grep -i include "$SSHD_LOG")" ||
	pass "no connection reads an included file"
finish
