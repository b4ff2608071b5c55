#!/bin/sh
# Hostile basics before key exchange (a bad MAC needs keys: regress/netloop/e2e_hostile
# covers it): packet length 0, packet length over 256 KiB, padding under 4 bytes, an
# unassigned message number instead of KEXINIT, CHANNEL_OPEN before key exchange and
# authentication; identification lines too long, of protocol 1.5, of HTTP, with a NUL;
# a peer silent before or after its identification line (LoginGraceTime).  Each must
# end the connection, with a log line naming the cause, and the listener must serve the
# next connection (a full login at the end).
# Usage: hostile.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
start_sshd || { fail "sshd starts"; finish; }

# case NAME CASE LOG-PATTERN (extended regular expression, case-insensitive)
hostile_case() {
	name=$1 c=$2 pat=$3
	before=$(wc -l < "$SSHD_LOG")
	if out=$("$RAWCLIENT" hostile "$PORT" "$c" 2>&1); then
		pass "$name: the server disconnects${out:+ ($out)}"
	else
		fail "$name: the server disconnects" "$out"
	fi
	# the monitor logs once the net child is gone: wait for the line (3 s at most)
	i=0
	while [ $i -lt 30 ]; do
		tail -n +"$((before + 1))" "$SSHD_LOG" | grep -Eiq -- "$pat" && break
		sleep 0.1
		i=$((i + 1))
	done
	if tail -n +"$((before + 1))" "$SSHD_LOG" | grep -Eiq -- "$pat"; then
		pass "$name: logged ($(tail -n +"$((before + 1))" "$SSHD_LOG" | grep -Ei -- "$pat" | head -1))"
	else
		fail "$name: a log line names the cause (/$pat/)" \
			"new lines: $(tail -n +"$((before + 1))" "$SSHD_LOG")"
	fi
	if "$RAWCLIENT" banner "$PORT" | grep -q '^SSH-2.0-'; then
		pass "$name: the next connection is served"
	else
		fail "$name: the next connection is served"
	fi
}

hostile_case "packet length 0" len0 "length"
hostile_case "packet length over 256 KiB" huge "length"
hostile_case "padding under 4 bytes" padding "padding"
hostile_case "unknown message 192 before KEXINIT" unknown "192|unexpected|unknown message"
hostile_case "CHANNEL_OPEN before key exchange and auth" chanopen "channel|90|unexpected"
hostile_case "identification line over 255 bytes" vlong "identification .* longer than 255 bytes"
hostile_case "protocol version 1.5" v1 "identification .SSH-1.5-.* versions differ"
hostile_case "an HTTP request instead of SSH" http "identification .GET .* does not start with SSH-"
hostile_case "a NUL byte in the identification line" vnul "identification .* a NUL byte"
# LoginGraceTime: a peer that sends nothing, or nothing after its identification line,
# is dropped when the grace time runs out (rawclient waits 10 s at most)
start_sshd "LoginGraceTime 2" || { fail "sshd starts"; finish; }
hostile_case "no identification line (LoginGraceTime 2)" mute "timeout before authentication"
hostile_case "nothing after the identification line (LoginGraceTime 2)" silent \
	"timeout before authentication"
expect_out "a login after all that" hi ssh_run -- echo hi
finish
