#!/bin/sh
# sshd -d (OpenSSH's debugging mode): the server serves one connection in its own
# process — no fork and no re-execution per connection: the process we started is the
# session monitor itself, with the confined net child as its child — and exits when
# that connection ends; a second client finds the port closed.  No PidFile is written.
# A SIGTERM before any connection ends it with status 0.
# Usage: debug.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user

# start_sshd_debug: sshd -d on the port and configuration that lib.sh's start_sshd
# prepares (it runs -D -e: that one is stopped and -d started in its place); PORT,
# SSHD_PID, SSHD_LOG as there.  A PidFile is configured: -d must not write it.
start_sshd_debug() {
	start_sshd "PidFile $T/sshd.pid" || return 1
	stop_sshd
	rm -f "$T/sshd.pid"
	: > "$SSHD_LOG"
	"$SSHD" -d -f "$SSHD_CONF" </dev/null 2>>"$SSHD_LOG" &
	SSHD_PID=$!
	timeout 10 sh -c 'until grep -q "Server listening on 127.0.0.1 port $1" "$2"; do
		sleep 0.1; done' sh "$PORT" "$SSHD_LOG" && return 0
	echo "sshd -d did not start:"
	cat "$SSHD_LOG"
	return 1
}

# wait_exit: waits (10 s at most) for SSHD_PID to end; its status in EXIT_STATUS.
wait_exit() {
	i=0
	while kill -0 "$SSHD_PID" 2>/dev/null && [ $i -lt 100 ]; do
		# a zombie counts as ended: only `wait` reaps it
		[ "$(awk '{print $3}' /proc/"$SSHD_PID"/stat 2>/dev/null)" = Z ] && break
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$SSHD_PID" 2>/dev/null &&
	    [ "$(awk '{print $3}' /proc/"$SSHD_PID"/stat 2>/dev/null)" != Z ]; then
		return 1
	fi
	wait "$SSHD_PID"
	EXIT_STATUS=$?
	SSHD_PID=
	return 0
}

start_sshd_debug || { fail "sshd -d starts"; finish; }
[ -e "$T/sshd.pid" ] && fail "sshd -d writes no PidFile" || pass "sshd -d writes no PidFile"

# one session, held open while the processes are looked at
ssh_run -- 'echo started; sleep 3; echo done' </dev/null >"$T/out" 2>"$T/err" &
SSH_BG=$!
BG_PIDS="$BG_PIDS $SSH_BG"
i=0
while [ $i -lt 100 ] && ! grep -q started "$T/out"; do
	sleep 0.1
	i=$((i + 1))
done
if grep -q started "$T/out"; then
	pass "a client logs in to sshd -d"
else
	fail "a client logs in to sshd -d" "$(cat "$T/err")"
fi
# the process we started serves the connection itself: not re-executed (no -R in its
# command line), and the net child is its own child
if tr '\0' ' ' </proc/"$SSHD_PID"/cmdline 2>/dev/null | grep -q -- ' -R'; then
	fail "sshd -d is not re-executed for the connection" \
		"$(tr '\0' ' ' </proc/"$SSHD_PID"/cmdline)"
else
	pass "sshd -d is not re-executed for the connection"
fi
hexport=$(printf '%04X' "$PORT")
inodes=$(awk -v p=":$hexport" '$2 ~ p"$" && $4 == "01" { print $10 }' /proc/net/tcp)
holder=
for pid in $(descendants "$SSHD_PID"); do
	for fd in /proc/"$pid"/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		for ino in $inodes; do
			[ "$l" = "socket:[$ino]" ] && holder=$pid
		done
	done
done
if [ -n "$holder" ] &&
    [ "$(sed -n 's/^PPid:\t//p' /proc/"$holder"/status)" = "$SSHD_PID" ] &&
    grep -q "^Seccomp:	2$" /proc/"$holder"/status; then
	pass "privilege separation: the confined net child is sshd -d's own child"
else
	fail "privilege separation: the confined net child is sshd -d's own child" \
		"holder '$holder' of sshd $SSHD_PID"
fi
if [ "$(id -u)" -eq 0 ] && [ -n "$holder" ]; then
	uid=$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' /proc/"$holder"/status)
	[ "$uid" = "$(id -u sshd)" ] && pass "the net child runs as sshd" ||
		fail "the net child runs as sshd" "uid $uid"
fi

# the connection ends: the command's output arrived whole, and the server exits
i=0
while kill -0 "$SSH_BG" 2>/dev/null && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
wait "$SSH_BG"
rc=$?
[ $rc -eq 0 ] && [ "$(cat "$T/out")" = "$(printf 'started\ndone')" ] &&
	pass "the session runs to its end" ||
	fail "the session runs to its end" "exit $rc, out '$(cat "$T/out")' $(cat "$T/err")"
if wait_exit; then
	pass "sshd -d exits after its connection"
	[ "$EXIT_STATUS" -eq 0 ] && pass "sshd -d exits 0" ||
		fail "sshd -d exits 0" "status $EXIT_STATUS"
else
	fail "sshd -d exits after its connection"
fi
grep -q "Server will not fork when running in debugging mode" "$SSHD_LOG" &&
	pass "sshd -d says it will not fork" || fail "sshd -d says it will not fork"
# nobody listens any more
ssh_run -- true </dev/null >/dev/null 2>"$T/err2"
rc=$?
[ $rc -eq 255 ] && grep -qi "refused" "$T/err2" &&
	pass "a second client finds the port closed" ||
	fail "a second client finds the port closed" "exit $rc: $(cat "$T/err2")"

# SIGTERM while waiting for the connection
start_sshd_debug || { fail "sshd -d starts again"; finish; }
kill -TERM "$SSHD_PID"
if wait_exit && [ "$EXIT_STATUS" -eq 0 ]; then
	pass "SIGTERM before a connection: sshd -d exits 0"
else
	fail "SIGTERM before a connection: sshd -d exits 0" "status ${EXIT_STATUS:-running}"
fi
finish
