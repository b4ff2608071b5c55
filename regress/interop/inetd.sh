#!/bin/sh
# `sshd -i` on the client's ProxyCommand: one connection on stdin/stdout, still split
# into monitor and net child (the net child's debug lines reach the -E file tagged
# [net]).  (A server started by an ordinary user: arch-user.sh.)
# Usage: inetd.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
HK=$(hostkey ed25519) || exit 1
start_sshd "HostKey $HK" || { fail "sshd starts"; finish; }
stop_sshd	# only its configuration is used: -i reads SSHD_CONF

# -i: the client runs the server as its ProxyCommand.
inetd_ssh() {
	timeout -k 5 "$SSH_TIMEOUT" ssh -F /dev/null -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentityAgent=none \
		-o IdentitiesOnly=yes -o ControlPath=none -i "$KEY" -l "$TUSER" \
		-o ProxyCommand="$SSHD -i -f $SSHD_CONF -o LogLevel=DEBUG1 -E $T/inetd.log" inetd-host "$@"
}
expect_out "-i: a command runs and its output comes back" "hi from -i" \
	inetd_ssh 'echo hi from -i'
got=$(echo "piped" | inetd_ssh 'cat; exit 3' 2>"$T/err")
rc=$?
[ "$rc" -eq 3 ] && [ "$got" = piped ] && pass "-i: stdin reaches the command, exit 3 returns" ||
	fail "-i: stdin reaches the command, exit 3 returns" "exit $rc, '$got', $(cat "$T/err")"
if grep -q "Accepted publickey for $TUSER" "$T/inetd.log"; then
	pass "-i: the login is logged to the -E file"
else
	fail "-i: the login is logged to the -E file" "$(tail -5 "$T/inetd.log")"
fi
grep -q "\[net\]" "$T/inetd.log" && ! grep -q "fatal" "$T/inetd.log" &&
	pass "-i: the net child's lines reach the log, tagged [net]; nothing fatal" ||
	fail "-i: the net child's lines reach the log, tagged [net]; nothing fatal" \
		"$(tail -5 "$T/inetd.log")"

finish
