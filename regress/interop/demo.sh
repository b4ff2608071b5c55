#!/bin/sh
# `make demo` smoke test: contrib/demo.sh (told where to put its files, which port, and
# which binary, so it neither installs nor builds) starts sshd in the foreground; it must
# listen, print the ssh command, and — once logins work — let that command in.
# The demo's files go under the build directory (demo.sh turns StrictModes off, and
# says so, only when they are below a directory others may write to).
# Usage: demo.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
top=$(cd "$(dirname "$0")/../.." && pwd)

mkdir -p "$T/home"
DEMO=$(mktemp -d "$(dirname "$SSHD")/../interop-demo.XXXXXX") || exit 1
DEMO=$(cd "$DEMO" && pwd)
BG_CLEAN=$DEMO
trap 'interop_cleanup; rm -rf "$BG_CLEAN"' EXIT
for try in 1 2 3 4 5; do
	PORT=$("$RAWCLIENT" freeport) || exit 1
	# an empty HOME: the demo makes its own key pair and says how to use it
	HOME=$T/home DEMO_DIR=$DEMO DEMO_PORT=$PORT SSHD=$SSHD \
		"$top/contrib/demo.sh" </dev/null >"$T/demo.out" 2>"$T/demo.err" &
	SSHD_PID=$!	# demo.sh execs sshd: this is sshd's pid
	SSHD_LOG=$T/demo.err
	i=0
	while [ $i -lt 100 ] && kill -0 "$SSHD_PID" 2>/dev/null &&
	    ! grep -q "Server listening on 127.0.0.1 port $PORT" "$T/demo.err"; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "Cannot bind" "$T/demo.err" || break
	stop_sshd
done
if grep -q "Server listening on 127.0.0.1 port $PORT" "$T/demo.err"; then
	pass "make demo: sshd listens on the demo port"
else
	fail "make demo: sshd listens on the demo port" "$(cat "$T/demo.out" "$T/demo.err")"
	finish
fi
cmd=$(grep -E '^ +ssh .* -p [0-9]+ [^ ]+@127\.0\.0\.1$' "$T/demo.out" | sed 's/^ *//')
if [ -n "$cmd" ] && [ -f "$DEMO/id_ed25519" ]; then
	pass "make demo: prints the ssh command with the demo key"
else
	fail "make demo: prints the ssh command with the demo key" "$(cat "$T/demo.out")"
fi
if "$RAWCLIENT" banner "$PORT" | grep -q '^SSH-2.0-'; then
	pass "make demo: a connection gets the identification line"
else
	fail "make demo: a connection gets the identification line"
fi
if [ -n "$cmd" ]; then
	# the printed command, made non-interactive
	got=$(eval "timeout -k 5 60 ${cmd%% *} -F /dev/null -o BatchMode=yes ${cmd#ssh }" echo hi \
		</dev/null 2>"$T/ssh.err")
	if [ "$got" = hi ]; then
		pass "make demo: the printed command logs in"
	else
		fail "make demo: the printed command logs in" "$(cat "$T/ssh.err")"
	fi
fi
finish
