#!/bin/sh
# ClientAliveInterval / ClientAliveCountMax with the stock ssh client: a client that
# answers keeps its connection through a command longer than the interval (and the
# server's log shows the keepalives), a client that stops answering (SIGSTOP) is cut
# off with OpenSSH's "Timeout, client not responding" line.
# Usage: keepalive.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"

# stopped_client_times_out NAME: a client that stops answering: started here (its PID
# is ssh's own), stopped once its command runs, continued (and killed if need be) at
# the end; the server must log OpenSSH's timeout line and close the connection.
stopped_client_times_out() {
	: > "$T/out"
	ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null \
		-o LogLevel=ERROR -o IdentityAgent=none -o IdentitiesOnly=yes \
		-o ConnectTimeout=10 -o ControlPath=none -i "$KEY" -p "$PORT" -l "$TUSER" \
		127.0.0.1 'echo started; sleep 30' </dev/null >"$T/out" 2>"$T/err" &
	CLIENT_PID=$!
	BG_PIDS="$BG_PIDS $CLIENT_PID"
	i=0
	while [ $i -lt 200 ] && ! grep -q started "$T/out"; do	# 20 s
		kill -0 "$CLIENT_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if ! grep -q started "$T/out"; then
		fail "$1: the client logs in" "$(head -c 300 "$T/err")"
		kill "$CLIENT_PID" 2>/dev/null
		wait "$CLIENT_PID" 2>/dev/null
		return
	fi
	kill -STOP "$CLIENT_PID"
	i=0
	while [ $i -lt 200 ] && ! grep -q "Timeout, client not responding" "$SSHD_LOG"; do
		sleep 0.1	# 20 s at most; the server needs a few intervals of 1 s
		i=$((i + 1))
	done
	line=$(grep "Timeout, client not responding" "$SSHD_LOG" | head -n 1)
	case "$line" in
	*"Timeout, client not responding from user $TUSER 127.0.0.1 port "*)
		pass "$1: a stopped client is timed out" ;;
	*) fail "$1: a stopped client is timed out" "no timeout line in the log" ;;
	esac
	kill -CONT "$CLIENT_PID"
	# the server closed the connection: the client, running again, sees it end
	i=0
	while [ $i -lt 100 ] && kill -0 "$CLIENT_PID" 2>/dev/null; do	# 10 s
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$CLIENT_PID" 2>/dev/null; then
		fail "$1: the connection of a stopped client is closed" "the client still runs"
		kill "$CLIENT_PID" 2>/dev/null
		wait "$CLIENT_PID" 2>/dev/null
	else
		wait "$CLIENT_PID"
		rc=$?
		[ $rc -eq 255 ] && pass "$1: the connection of a stopped client is closed" ||
			fail "$1: the connection of a stopped client is closed" "ssh exited $rc"
	fi
}

interop_user
start_sshd "LogLevel DEBUG" "ClientAliveInterval 1" "ClientAliveCountMax 2" ||
	{ fail "sshd starts"; finish; }

# (2) an answering client: its command outlives several intervals.
got=$(ssh_run -- 'sleep 4; echo alive' 2>"$T/err")
rc=$?
[ $rc -eq 0 ] && [ "$got" = alive ] && pass "an answering client stays connected" ||
	fail "an answering client stays connected" "exit $rc, '$got' $(head -c 300 "$T/err")"
n=$(grep -c "sent keepalive@openssh.com" "$SSHD_LOG")
[ "$n" -ge 2 ] && pass "keepalives sent to an answering client ($n)" ||
	fail "keepalives sent to an answering client" "$n in the log"
grep -q "Timeout, client not responding" "$SSHD_LOG" &&
	fail "an answering client is not timed out" ||
	pass "an answering client is not timed out"

# (1) a client that stops answering.
stopped_client_times_out "global"

# The same set by a Match block for the user only (the monitor's Match pass reaches
# the net child with the user lookup's answer); the global value is none.
SSHD_CONF_TAIL="Match User $TUSER
	ClientAliveInterval 1
	ClientAliveCountMax 1"
start_sshd "LogLevel DEBUG" || { fail "sshd starts (Match)"; finish; }
stopped_client_times_out "Match"
finish
