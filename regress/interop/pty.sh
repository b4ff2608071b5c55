#!/bin/sh
# Sessions on a pty with the stock client: ssh -tt gives the process a terminal
# (/dev/pts/N on 0, 1 and 2, the user's with group tty and mode 0620), SSH_TTY names
# it, TERM is the client's, the size and the modes of the client's own terminal arrive
# (the client runs under script(1) for that), a shell without a command is a login
# shell, an interactive login from a terminal gets a pty, the exit status is reported
# and all the output arrives; no-pty, restrict and PermitTTY no refuse the pty where it
# is otherwise given (an interactive login goes on without one, ssh -tt gives up); a
# channel closed by a multiplexing client hangs its pty up; login records (utmp, wtmp).
# Usage: pty.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user

# pty_run CMD: ssh -tt, the terminal's CRs removed from the output.
pty_run() {
	ssh_run -tt -- "$1" 2>"$T/err" | tr -d '\r'
}

start_sshd || { fail "sshd starts"; finish; }

got=$(pty_run 'tty; echo "[$SSH_TTY]"; test -t 0 && test -t 1 && test -t 2 && echo all-tty')
tty=$(echo "$got" | head -n 1)
had_pty=
case "$tty" in
/dev/pts/[0-9]*) had_pty=yes; pass "tty names a pty" ;;
*) fail "tty names a pty" "'$got' $(cat "$T/err")" ;;
esac
[ "$(echo "$got" | sed -n 2p)" = "[$tty]" ] && pass "SSH_TTY names it" ||
	fail "SSH_TTY names it" "'$got'"
[ "$(echo "$got" | sed -n 3p)" = all-tty ] && pass "stdin, stdout and stderr are the tty" ||
	fail "stdin, stdout and stderr are the tty" "'$got'"

got=$(export TERM=vt220; pty_run 'echo "$TERM"')
[ "$got" = vt220 ] && pass "TERM is the client's" || fail "TERM is the client's" "'$got'"

got=$(pty_run 'stty size')
echo "$got" | grep -Eqx '[0-9]+ [0-9]+' && pass "stty size prints two numbers" ||
	fail "stty size prints two numbers" "'$got' $(cat "$T/err")"

if [ "$(id -u)" -eq 0 ]; then
	want="$TUSER:tty:620"
	getent group tty >/dev/null || want="$TUSER:$(id -gn "$TUSER"):600"
	got=$(pty_run 'stat -c %U:%G:%a "$(tty)"')
	[ "$got" = "$want" ] && pass "the tty is the user's, group tty, mode 0620" ||
		fail "the tty is the user's, group tty, mode 0620" "'$got' want '$want'"
fi

# The client on a terminal of its own (script(1) makes it, timeout(1) bounds it from
# outside: inside, timeout would put the client in a background process group of that
# terminal, where it stops at its first tcsetattr).  in_pty NAME SETUP SSH-ARGS...:
# runs "stty SETUP; ssh ... SSH-ARGS; echo rc=$?" there, stdin from $T/NAME.in
# (typed into that terminal), output in $T/NAME.out without CRs.
in_pty() {
	name=$1 setup=$2
	shift 2
	{
		echo "stty $setup"
		printf 'ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no '
		printf -- '-o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null '
		printf -- '-o LogLevel=ERROR -o IdentityAgent=none -o IdentitiesOnly=yes '
		printf -- '-o ControlPath=none -i %s -p %s -l %s 127.0.0.1' "$KEY" "$PORT" "$TUSER"
		for a in "$@"; do printf " '%s'" "$a"; done
		echo '; echo "rc=$?"'
	} > "$T/$name.sh"
	[ -f "$T/$name.in" ] || : > "$T/$name.in"
	# script(1) passes the end of its stdin on as a NUL, which the remote terminal
	# echoes as "^@": removed
	timeout -k 5 "$SSH_TIMEOUT" script -qec "sh $T/$name.sh" /dev/null <"$T/$name.in" 2>&1 |
		tr -d '\r' | sed 's/\^@//g' > "$T/$name.out"
}

# its size and its modes (intr ^G instead of ^C) reach the remote terminal
in_pty size "rows 33 cols 101 intr ^G" -t 'stty size; stty -a | grep -o "intr = [^;]*"'
got=$(cat "$T/size.out")
echo "$got" | grep -qx "33 101" && pass "the client's window size arrives" ||
	fail "the client's window size arrives" "'$got'"
echo "$got" | grep -qx "intr = ^G" && pass "the client's terminal modes arrive" ||
	fail "the client's terminal modes arrive" "'$got'"

# exit status through the pty
ssh_run -tt -- 'exit 7' >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 7 ] && pass "exit status with a pty" || fail "exit status with a pty" "got $rc"

# a shell without a command: a login shell ("-sh" as argv[0]) reading the pty
got=$(printf 'echo "[$0]"; exit 3\n' | ssh_run -tt -- 2>"$T/err" | tr -d '\r')
rc=$?
echo "$got" | grep -q '\[-[a-z]*sh\]' && pass "a shell on a pty is a login shell" ||
	fail "a shell on a pty is a login shell" "'$got' $(cat "$T/err")"

# all the output, then the end (EIO on the master)
got=$(ssh_run -tt -- 'seq 1 20000' 2>"$T/err" | tr -d '\r' | tail -n 1)
[ "$got" = 20000 ] && pass "20000 lines through the pty" ||
	fail "20000 lines through the pty" "last '$got' $(cat "$T/err")"
got=$(ssh_run -tt -- 'seq 1 20000' 2>"$T/err" | tr -d '\r' | wc -l)
[ "$got" -eq 20000 ] && pass "every line arrives" || fail "every line arrives" "$got lines"

# Multiplexing (ControlMaster): a mux client that goes away closes its session's channel
# while the connection stays; the process on the pty hangs up then (SIGHUP) instead of
# running on until the master's connection ends.  Waits bounded in count.
ssh_run -M -S "$T/cm" -N -- 2>"$T/master.err" &
master=$!
BG_PIDS="$BG_PIDS $master"
i=0
while [ ! -S "$T/cm" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ssh_run -S "$T/cm" -tt -- 'echo "pid=$$"; exec sleep 120' >"$T/mux.out" 2>&1 &
muxc=$!
BG_PIDS="$BG_PIDS $muxc"
i=0
while ! grep -q '^pid=[0-9]' "$T/mux.out" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
spid=$(tr -d '\r' < "$T/mux.out" | sed -n 's/^pid=\([0-9]*\)$/\1/p' | head -n 1)
if [ -z "$spid" ] || ! kill -0 "$spid" 2>/dev/null; then
	fail "a channel closed by a mux client hangs up its pty" \
		"no session: '$(cat "$T/mux.out")' $(cat "$T/master.err")"
else
	# ssh_run runs in a subshell: the mux client is its descendant
	kill $(descendants "$muxc") "$muxc" 2>/dev/null
	wait "$muxc" 2>/dev/null
	i=0
	while kill -0 "$spid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	if kill -0 "$spid" 2>/dev/null; then
		fail "a channel closed by a mux client hangs up its pty" "pid $spid still runs"
	elif kill -0 "$master" 2>/dev/null; then
		pass "a channel closed by a mux client hangs up its pty"
	else
		fail "a channel closed by a mux client hangs up its pty" \
			"the master ended: $(cat "$T/master.err")"
	fi
fi
kill $(descendants "$master") "$master" 2>/dev/null
wait "$master" 2>/dev/null

# Login records (as root: the files are root's): while the session runs, who(1) lists
# the user on its pty (utmp, with the client's address); once it ended the entry is
# gone (DEAD_PROCESS), and wtmp got both.  A system without utmp gets an empty one for
# the check, removed after it.
if [ "$(id -u)" -eq 0 ] && command -v who >/dev/null; then
	made_utmp=
	if [ ! -e /var/run/utmp ]; then
		: > /var/run/utmp && made_utmp=yes
		chgrp utmp /var/run/utmp 2>/dev/null
		chmod 664 /var/run/utmp
	fi
	wtmp_before=$( (wc -c < /var/log/wtmp) 2>/dev/null || echo none)
	got=$(pty_run 'tty; who')
	rec_tty=$(echo "$got" | head -n 1)
	line=${rec_tty#/dev/}
	listed=
	echo "$got" | sed 1d | grep -Eq "^$TUSER +$line .*\(127\.0\.0\.1\)" && listed=yes &&
		pass "who lists the user on its pty from the client's address" ||
		fail "who lists the user on its pty from the client's address" "'$got'"
	after=$(who | grep -E "^$TUSER +$line " || true)
	[ -n "$listed" ] && [ -z "$after" ] && pass "the entry is gone at the end" ||
		fail "the entry is gone at the end" "line '$line', '$after'"
	if [ "$wtmp_before" != none ]; then
		wtmp_after=$(wc -c < /var/log/wtmp)
		[ "$wtmp_after" -ge $((wtmp_before + 2 * 384)) ] &&
			pass "wtmp has the login and the logout" ||
			fail "wtmp has the login and the logout" "$wtmp_before -> $wtmp_after bytes"
	fi
	[ -n "$made_utmp" ] && rm -f /var/run/utmp
fi

# An interactive login from a terminal (no command, no -t: the client asks for a pty
# as OpenSSH's does by default): a login shell on a pty.
printf 'echo "[$0]"; tty; exit 5\n' > "$T/login.in"
in_pty login sane
got=$(cat "$T/login.out")
echo "$got" | grep -q '^/dev/pts/[0-9]*$' && echo "$got" | grep -q '\[-[a-z]*sh\]' &&
	echo "$got" | grep -qx "rc=5" && login_pty=yes &&
	pass "an interactive login gets a pty and a login shell" ||
	fail "an interactive login gets a pty and a login shell" "'$got'"

# Refusals, where a pty is given otherwise: the client's pty-req fails, an interactive
# login goes on without one; with -tt the client gives up (OpenSSH's client: a pty asked
# for explicitly is required).
# refused_login NAME: the interactive login ran without a pty.
refused_login() {
	cp "$T/login.in" "$T/$1.in"
	in_pty "$1" sane
	got=$(cat "$T/$1.out")
	if [ -n "${login_pty:-}" ] && grep -q "PTY allocation request failed" "$T/$1.out" &&
	   echo "$got" | grep -qx "not a tty" && echo "$got" | grep -qx "rc=5"; then
		pass "$2"
	else
		fail "$2" "'$got'"
	fi
}
# refused_tt NAME: ssh -tt gives up.
refused_tt() {
	got=$(pty_run 'tty')
	rc=$?
	if [ -n "$had_pty" ] && grep -q "PTY allocation request failed" "$T/err" &&
	   [ -z "$got" ]; then
		pass "$1"
	else
		fail "$1" "'$got' $(cat "$T/err")"
	fi
}
keys "no-pty $PUB"
refused_login nopty "no-pty: a login without a pty"
refused_tt "no-pty: ssh -tt refused"
keys "restrict $PUB"
refused_login restrict "restrict: a login without a pty"
keys "restrict,pty $PUB"
got=$(pty_run 'tty')
case "$got" in
/dev/pts/[0-9]*) pass "restrict,pty gives one" ;;
*) fail "restrict,pty gives one" "'$got' $(cat "$T/err")" ;;
esac
keys "$PUB"

start_sshd "PermitTTY no" || { fail "sshd starts"; finish; }
refused_login permittty "PermitTTY no: a login without a pty"
refused_tt "PermitTTY no: ssh -tt refused"
finish
