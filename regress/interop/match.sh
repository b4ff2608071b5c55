#!/bin/sh
# Match blocks applied per connection by the monitor once the user is known (as OpenSSH
# applies them at the account lookup): by User, Address, LocalAddress; what they set
# (ForceCommand, PubkeyAuthentication, AuthorizedKeysFile, DenyUsers, SetEnv, Banner)
# takes effect only for the connections they match.  What the net child enforces
# (MaxAuthTries, LogLevel, RekeyLimit, AcceptEnv) comes to it with the monitor's answer
# to the user lookup; MaxSessions is the monitor's.
# Usage: match.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user

# with_match NAME WANT CONFIG-LINES...: sshd with these lines last, then `echo in` must
# print WANT (empty: the login must be refused).
with_match() {
	name=$1 want=$2
	shift 2
	SSHD_CONF_TAIL=$(printf '%s\n' "$@")
	start_sshd || { fail "$name: sshd starts"; return; }
	got=$(ssh_run -- echo in 2>"$T/err")
	rc=$?
	if [ -z "$want" ]; then
		[ $rc -eq 255 ] && grep -q "Permission denied" "$T/err" && pass "$name" ||
			fail "$name" "exit $rc, '$got', $(head -c 300 "$T/err")"
	else
		[ $rc -eq 0 ] && [ "$got" = "$want" ] && pass "$name" ||
			fail "$name" "exit $rc, '$got', $(head -c 300 "$T/err")"
	fi
}

with_match "Match User: ForceCommand for the user named" "forced" \
	"Match User $TUSER" "ForceCommand echo forced"
with_match "Match User of another user: nothing changes" "in" \
	"Match User someone-else,other" "ForceCommand echo forced"
with_match "Match Address of the client: PubkeyAuthentication no refuses the key" "" \
	"Match Address 127.0.0.0/8" "PubkeyAuthentication no"
with_match "Match Address of other networks: the key is taken" "in" \
	"Match Address 10.0.0.0/8,192.0.2.1" "PubkeyAuthentication no"
with_match "Match User: another AuthorizedKeysFile (empty) refuses the key" "" \
	"Match User $TUSER" "AuthorizedKeysFile /dev/null"
with_match "Match LocalAddress: DenyUsers refuses the user" "" \
	"Match LocalAddress 127.0.0.1" "DenyUsers $TUSER"
with_match "Match negated: !User of the user does not apply" "in" \
	"Match User !$TUSER,*" "ForceCommand echo forced"

SSHD_CONF_TAIL=$(printf '%s\n' "Match User $TUSER" "SetEnv MSSHD_MATCHED=yes" \
	"Banner $T/banner")
start_sshd || fail "sshd starts"
echo "matched banner" > "$T/banner"
got=$(ssh_run -v -- 'echo "[$MSSHD_MATCHED]"' 2>"$T/err")
[ "$got" = "[yes]" ] && pass "Match User: SetEnv applies" ||
	fail "Match User: SetEnv applies" "'$got', $(head -c 300 "$T/err")"
grep -q "matched banner" "$T/err" && pass "Match User: its Banner is shown" ||
	fail "Match User: its Banner is shown" "$(head -c 300 "$T/err")"

# --- what the net child enforces ---

# MaxAuthTries 1 for the user: the first wrong key (after the free "none") ends the
# connection; for another user's Match, two wrong keys and then the right one log in.
for k in w1 w2; do
	ssh-keygen -q -t ed25519 -N '' -f "$T/$k" </dev/null || { fail "ssh-keygen"; finish; }
done
SSHD_CONF_TAIL=$(printf '%s\n' "Match User $TUSER" "MaxAuthTries 1")
start_sshd || fail "sshd starts"
refused "Match User: MaxAuthTries 1 refuses at the first wrong key" \
	"Too many authentication failures" -i "$T/w1" -i "$T/w2" -i "$KEY"
SSHD_CONF_TAIL=$(printf '%s\n' "Match User someone-else" "MaxAuthTries 1")
start_sshd || fail "sshd starts"
expect_out "Match User of another user: two wrong keys, then the right one" "in" \
	ssh_run -i "$T/w1" -i "$T/w2" -i "$KEY" -- echo in

# LogLevel DEBUG3 for the user: debug lines of both processes (the net child's come
# tagged [net]) appear once the user is known, and only for that user's connection.
SSHD_CONF_TAIL=$(printf '%s\n' "Match User $TUSER" "LogLevel DEBUG3")
start_sshd || fail "sshd starts"
got=$(ssh_run -- echo in 2>"$T/err")
# the monitor's line of the session's end comes after the client's; bounded wait
i=0
while [ $i -lt 50 ] && ! grep -q '^debug1: monitor: session' "$SSHD_LOG"; do
	sleep 0.1
	i=$((i + 1))
done
[ "$got" = in ] && grep -q '^debug3: \[net\] settings from the monitor' "$SSHD_LOG" &&
	grep -q '^debug1: monitor: session' "$SSHD_LOG" &&
	pass "Match User: LogLevel DEBUG3 logs the net child's and the monitor's debug lines" ||
	fail "Match User: LogLevel DEBUG3 logs the net child's and the monitor's debug lines" \
		"'$got', $(grep -c '^debug' "$SSHD_LOG") debug lines"
SSHD_CONF_TAIL=$(printf '%s\n' "Match User someone-else" "LogLevel DEBUG3")
start_sshd || fail "sshd starts"
got=$(ssh_run -- echo in 2>"$T/err")
[ "$got" = in ] && ! grep -q '^debug' "$SSHD_LOG" &&
	pass "Match User of another user: no debug line" ||
	fail "Match User of another user: no debug line" "'$got', $(grep '^debug' "$SSHD_LOG" | head -3)"

# RekeyLimit 1M for the user: the server re-keys during a 4 MiB download (the client's
# debug log counts the key exchanges, one "SSH2_MSG_NEWKEYS received" each); for
# another user's Match, the one initial exchange.
head -c 4194304 /dev/urandom > "$T/big" && chmod 644 "$T/big" || { fail "big file"; finish; }
SUM=$(sha256sum < "$T/big" | cut -d' ' -f1)
# kex_count NAME-SUFFIX: downloads the file; prints the exchanges, or "bad" on a bad sum
kex_count() {
	got=$(ssh_run -v -- cat "$T/big" 2>"$T/err" </dev/null | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$SUM" ]; then grep -c 'SSH2_MSG_NEWKEYS received' "$T/err"; else echo bad; fi
}
SSHD_CONF_TAIL=$(printf '%s\n' "Match User $TUSER" "RekeyLimit 1M")
start_sshd || fail "sshd starts"
n=$(kex_count)
[ "$n" != bad ] && [ "$n" -ge 2 ] && pass "Match User: RekeyLimit 1M re-keys a 4 MiB download ($n key exchanges)" ||
	fail "Match User: RekeyLimit 1M re-keys a 4 MiB download" "$n key exchange(s)"
SSHD_CONF_TAIL=$(printf '%s\n' "Match User someone-else" "RekeyLimit 1M")
start_sshd || fail "sshd starts"
n=$(kex_count)
[ "$n" = 1 ] && pass "Match User of another user: no re-key in 4 MiB" ||
	fail "Match User of another user: no re-key in 4 MiB" "$n key exchange(s)"

# AcceptEnv for the user: the client's variable is taken (the net child filters env
# requests too, so it must know the Match's list); for another user's Match it is not.
SSHD_CONF_TAIL=$(printf '%s\n' "Match User $TUSER" "AcceptEnv MSSHD_MATCHENV")
start_sshd || fail "sshd starts"
expect_out "Match User: AcceptEnv takes the client's variable" "[yes]" \
	ssh_run -o SetEnv=MSSHD_MATCHENV=yes -- 'echo "[$MSSHD_MATCHENV]"'
SSHD_CONF_TAIL=$(printf '%s\n' "Match User someone-else" "AcceptEnv MSSHD_MATCHENV")
start_sshd || fail "sshd starts"
expect_out "Match User of another user: AcceptEnv does not apply" "[]" \
	ssh_run -o SetEnv=MSSHD_MATCHENV=yes -- 'echo "[$MSSHD_MATCHENV]"'

# --- MaxSessions (the monitor's) ---

# MaxSessions 0 for the user: no session at all (OpenSSH's "forwarding only").
SSHD_CONF_TAIL=$(printf '%s\n' "Match User $TUSER" "MaxSessions 0")
start_sshd || fail "sshd starts"
refused "Match User: MaxSessions 0 refuses the session" "exec request failed"
# MaxSessions 1 for the user: a second session on the same connection (the stock
# client's multiplexing: a master running `sleep`, a second client through its
# socket) is refused; for another user's Match it runs.  ssh_run turns multiplexing
# off, so the client is called here with the same options otherwise.
mux_ssh() {
	timeout -k 5 "$SSH_TIMEOUT" ssh -F /dev/null -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentityAgent=none \
		-o IdentitiesOnly=yes -o ConnectTimeout=10 -o ControlPath="$T/mux" \
		-i "$KEY" -p "$PORT" -l "$TUSER" "$@"
}
# second_session: what a second session on a master connection prints ("nomaster"
# when the master did not come up), then "master-alive" when the master's connection
# is still up; the master is then told to exit
second_session() {
	rm -f "$T/mux"
	mux_ssh -o ControlMaster=yes 127.0.0.1 sleep 30 </dev/null >/dev/null 2>"$T/mux.err" &
	mux_pid=$!
	BG_PIDS="$BG_PIDS $mux_pid"
	i=0
	while [ $i -lt 100 ] && [ ! -S "$T/mux" ]; do	# 10 s
		sleep 0.1
		i=$((i + 1))
	done
	if [ -S "$T/mux" ]; then
		mux_ssh -o ControlMaster=no 127.0.0.1 echo second </dev/null 2>"$T/err"
		# a refused session must leave the connection (and the first) alone
		mux_ssh -O check 127.0.0.1 2>/dev/null && echo master-alive
		mux_ssh -O exit 127.0.0.1 2>/dev/null
	else
		echo nomaster
	fi
	wait "$mux_pid" 2>/dev/null
}
SSHD_CONF_TAIL=$(printf '%s\n' "Match User $TUSER" "MaxSessions 1")
start_sshd || fail "sshd starts"
got=$(second_session)
[ "$got" = master-alive ] && pass "Match User: MaxSessions 1 refuses a second session" ||
	fail "Match User: MaxSessions 1 refuses a second session" "'$got'"
SSHD_CONF_TAIL=$(printf '%s\n' "Match User someone-else" "MaxSessions 1")
start_sshd || fail "sshd starts"
got=$(second_session)
[ "$got" = "second
master-alive" ] && pass "Match User of another user: a second session runs" ||
	fail "Match User of another user: a second session runs" \
		"'$got', $(head -c 300 "$T/err") $(head -c 300 "$T/mux.err")"
finish
