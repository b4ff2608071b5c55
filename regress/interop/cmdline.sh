#!/bin/sh
# sshd's command line as OpenSSH's: -t / -T / -h / -o / -p / -C / -V / -E / -D / -e (-D
# alone: syslog, or stderr without a syslog socket), the exit codes (0, 1 for no usable
# host key or an unreadable file, 255 for a bad configuration), the listener's start and
# stop (PidFile written, then removed on SIGTERM), and -T output identical to OpenSSH's
# sshd where that is installed.
# Usage: cmdline.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
REF=${OPENSSH_SSHD:-/usr/sbin/sshd}

HK=$(hostkey ed25519) || exit 1
cd "$T" || exit 1

# expect NAME WANT-EXIT STDERR-PATTERN SSHD-ARGS...: exit code and a line of stderr.
expect() {
	name=$1 want=$2 pat=$3
	shift 3
	"$SSHD" "$@" >out 2>err </dev/null
	rc=$?
	if [ $rc -ne "$want" ]; then
		fail "$name" "exit $rc, wanted $want; stderr: $(head -c 400 err)"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" err; then
		fail "$name" "stderr lacks '$pat': $(head -c 400 err)"
	else
		pass "$name"
	fi
}

# listen_once LOGFILE SSHD-ARGS...: starts "sshd -D ARGS" on a free port (PORT2) with its
# stderr in listen.err, waits up to 10 s for "Server listening" in LOGFILE (none: waits
# 1 s), stops it; fails when LOGFILE never shows the line.
listen_once() {
	log=$1
	shift
	PORT2=$("$RAWCLIENT" freeport)
	printf 'HostKey %s\nListenAddress 127.0.0.1:%s\nPidFile none\n' "$HK" "$PORT2" \
		> listen.conf
	"$SSHD" -D "$@" -f "$T/listen.conf" </dev/null 2>listen.err &
	lpid=$!
	BG_PIDS="$BG_PIDS $lpid"
	i=0
	while [ $i -lt 100 ] && ! { [ -n "$log" ] && grep -q "Server listening" "$log" 2>/dev/null; }; do
		[ -z "$log" ] && [ $i -ge 10 ] && break
		sleep 0.1; i=$((i + 1))
	done
	kill "$lpid" 2>/dev/null
	wait "$lpid" 2>/dev/null
	[ -z "$log" ] || grep -q "Server listening on 127.0.0.1 port $PORT2" "$log"
}

printf 'HostKey %s\n' "$HK" > good.conf
expect "-t accepts a good configuration" 0 "" -t -f good.conf
printf 'HostKey %s/missing\n' "$T" > nokey.conf
expect "-t without a loadable host key exits 1" 1 \
	"sshd: no hostkeys available -- exiting." -t -f nokey.conf
expect "-t names the missing key" 1 "Unable to load host key: $T/missing" -t -f nokey.conf
cp "$HK" open_key && chmod 644 open_key
printf 'HostKey %s/open_key\n' "$T" > open.conf
expect "-t refuses a host key others can read" 1 "Unable to load host key \"$T/open_key\"" \
	-t -f open.conf
printf 'garbage\n' > bad_key && chmod 600 bad_key
printf 'HostKey %s/bad_key\nHostKey %s\n' "$T" "$HK" > onebad.conf
expect "-t with one good key among bad ones exits 0" 0 "Unable to load host key" \
	-t -f onebad.conf
printf 'HostKey %s\nNoSuchKeyword yes\n' "$HK" > badkw.conf
expect "-t refuses an unknown keyword (255)" 255 "NoSuchKeyword" -t -f badkw.conf
expect "-t with an unreadable file exits 1" 1 "$T/none.conf" -t -f "$T/none.conf"
expect "-h gives the host key" 0 "" -t -f /dev/null -h "$HK"
expect "-h with a missing key" 1 "no hostkeys available" -t -f /dev/null -h "$T/missing"
expect "-C without -T exits 255" 255 "(-C)" -t -f good.conf -C user=a
expect "an unknown flag exits 1 with the usage" 1 "usage: sshd" -Z
expect "an extra argument exits 1" 1 "Extra argument" -t -f good.conf extra
expect "-V exits 0" 0 "OpenSSL" -V
expect "-o wins over the file" 0 "" -T -f good.conf -o "Port 2345"
grep -qx "port 2345" out && pass "-T shows the -o value" || fail "-T shows the -o value"
expect "-p wins over the file" 0 "" -T -f good.conf -p 2346
grep -qx "port 2346" out && pass "-T shows the -p value" || fail "-T shows the -p value"

# -T identical to OpenSSH's sshd (the reference needs /run/sshd, root-owned)
if [ -x "$REF" ] && [ -d /run/sshd ]; then
	printf 'HostKey %s\nPort 2200\nMaxAuthTries 2\nRekeyLimit 1M 10m\nLogLevel VERBOSE\n' \
		"$HK" > cmp.conf
	printf 'KexAlgorithms -diffie-hellman-group14-sha1\nCiphers aes128-ctr,aes256-gcm@openssh.com\n' \
		>> cmp.conf
	printf 'Match User alice Address 10.0.0.0/8\n\tMaxAuthTries 5\n\tPermitRootLogin no\n' \
		>> cmp.conf
	for spec in "" "user=alice,host=h,addr=10.1.2.3,laddr=127.0.0.1,lport=22" \
	    "user=bob,host=h,addr=10.1.2.3,laddr=127.0.0.1,lport=22"; do
		"$REF" -T -f cmp.conf ${spec:+-C "$spec"} > ref.out 2>ref.err
		"$SSHD" -T -f cmp.conf ${spec:+-C "$spec"} > our.out 2>our.err
		if diff ref.out our.out > diff.out; then
			pass "-T as OpenSSH's ${spec:-(no -C)}"
		else
			fail "-T as OpenSSH's ${spec:-(no -C)}" "$(head -20 diff.out)"
		fi
	done
else
	echo "skip: -T comparison ($REF or /run/sshd missing)"
fi

# The listener: starts, writes the PidFile once it listens, stops on SIGTERM with exit
# 0 and removes the PidFile; -E sends the log to a file.
if start_sshd "PidFile $T/sshd.pid"; then
	pass "-D -e listens on the port"
	i=0
	while [ ! -s "$T/sshd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	if [ "$(cat "$T/sshd.pid" 2>/dev/null)" = "$SSHD_PID" ]; then
		pass "PidFile holds the listener's pid"
	else
		fail "PidFile holds the listener's pid" "$(cat "$T/sshd.pid" 2>&1)"
	fi
	if "$RAWCLIENT" banner "$PORT" | grep -q '^SSH-2.0-'; then
		pass "a connection gets the identification line"
	else
		fail "a connection gets the identification line"
	fi
	kill "$SSHD_PID"
	i=0
	while kill -0 "$SSHD_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	wait "$SSHD_PID"
	rc=$?
	SSHD_PID=
	[ $rc -eq 0 ] && pass "SIGTERM: exit 0" || fail "SIGTERM: exit 0" "exit $rc"
	[ ! -e "$T/sshd.pid" ] && pass "SIGTERM removes the PidFile" ||
		fail "SIGTERM removes the PidFile"

	# a second sshd on the port of a running one cannot bind
	if start_sshd "HostKey $HK"; then
		printf 'HostKey %s\nListenAddress 127.0.0.1:%s\nPidFile none\n' "$HK" "$PORT" \
			> busy.conf
		expect "a port in use: Cannot bind any address, exit 255" 255 \
			"Cannot bind any address" -D -e -f busy.conf
		stop_sshd
	fi
	# -E: the log goes to the file, not to stderr
	if listen_once "$T/e.log" -E "$T/e.log" &&
	   grep -q "Server listening on 127.0.0.1 port $PORT2" e.log && ! [ -s listen.err ]; then
		pass "-E logs to the file"
	else
		fail "-E logs to the file" "log: $(cat e.log 2>&1); stderr: $(cat listen.err)"
	fi
	# -D alone logs to syslog as OpenSSH does, or to stderr when there is no syslog socket
	# to take the lines (they would be lost)
	if [ -S /dev/log ]; then
		listen_once "" && ! grep -q "Server listening" listen.err &&
			pass "-D alone logs to syslog, not stderr" ||
			fail "-D alone logs to syslog, not stderr" "stderr: $(cat listen.err)"
	else
		listen_once listen.err &&
			pass "-D alone without a syslog socket logs to stderr" ||
			fail "-D alone without a syslog socket logs to stderr" \
				"stderr: $(cat listen.err)"
	fi
else
	fail "-D -e listens on the port"
fi
finish
