#!/bin/sh
# The stock ssh client runs commands through our sshd: `echo hi`, exit codes 0/1/N,
# stdout and stderr kept apart, stdin passed through, and a command killed by a signal
# (the client then exits 255, as with OpenSSH's sshd).
# Usage: session.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
start_sshd || { fail "sshd starts"; finish; }

expect_out "echo hi" hi ssh_run -- echo hi
for code in 0 1 7 255; do
	ssh_run -- "exit $code" </dev/null >/dev/null 2>"$T/err"
	rc=$?
	[ $rc -eq $code ] && pass "exit $code" || fail "exit $code" "got $rc: $(cat "$T/err")"
done
ssh_run -- false </dev/null >/dev/null 2>&1
rc=$?
[ $rc -eq 1 ] && pass "false exits 1" || fail "false exits 1" "got $rc"

ssh_run -- 'echo out; echo err >&2; echo out2' </dev/null >"$T/o" 2>"$T/e"
if [ "$(cat "$T/o")" = "$(printf 'out\nout2')" ] && [ "$(cat "$T/e")" = err ]; then
	pass "stdout and stderr separated"
else
	fail "stdout and stderr separated" "stdout '$(cat "$T/o")' stderr '$(cat "$T/e")'"
fi
got=$(printf 'line1\nline2\n' | ssh_run -- 'cat; echo end' 2>"$T/err")
[ "$got" = "$(printf 'line1\nline2\nend')" ] && pass "stdin reaches the command" ||
	fail "stdin reaches the command" "'$got' $(cat "$T/err")"

# killed by a signal: the server sends exit-signal, the client exits 255
ssh_run -- 'kill -TERM $$' </dev/null >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 255 ] && pass "a command killed by SIGTERM: ssh exits 255" ||
	fail "a command killed by SIGTERM: ssh exits 255" "got $rc: $(cat "$T/err")"
ssh_run -- 'kill -KILL $$' </dev/null >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 255 ] && pass "a command killed by SIGKILL: ssh exits 255" ||
	fail "a command killed by SIGKILL: ssh exits 255" "got $rc: $(cat "$T/err")"

# the login environment
got=$(ssh_run -- 'echo "$USER:$LOGNAME:${SSH_CONNECTION%% *}"' 2>"$T/err")
[ "$got" = "$TUSER:$TUSER:127.0.0.1" ] && pass "USER, LOGNAME, SSH_CONNECTION" ||
	fail "USER, LOGNAME, SSH_CONNECTION" "'$got' $(cat "$T/err")"
finish
