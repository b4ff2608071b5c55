#!/bin/sh
# The net child's event loop and transport end to end with the stock OpenSSH client,
# through the real split (e2e_server: privsep_run with netchild_* and monitor_loop):
#  - ssh-keyscan gets each test host key (ed25519, ecdsa, rsa): key exchange and the
#    host-key signature work for every key type;
#  - ssh with each key exchange method gets as far as user authentication
#    ("Permission denied": the user has no key), i.e. kex, NEWKEYS, EXT_INFO and the
#    service request went through.
# Loopback only; every wait bounded; only the server this script started is stopped.
# Hostile basics: a packet length 0 or over 256 KiB, padding under 4, an unknown message
# before the key exchange, CHANNEL_OPEN before authentication: each ends in DISCONNECT
# (PROTOCOL_ERROR) and a log line naming the cause, and the next connection is served.
# After a real key exchange, a packet with one bit of its MAC or AEAD tag flipped
# (chacha20-poly1305, aes128-gcm, hmac-sha2-256-etm, hmac-sha2-512) ends in DISCONNECT
# (MAC_ERROR) and a log line naming the cause, and the next connection is served.
# Usage: e2e.sh SERVER HOSTILE_CLIENT
set -u
SERVER=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HOSTILE=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
for tool in ssh ssh-keygen ssh-keyscan; do
	command -v $tool >/dev/null 2>&1 || { echo "FAIL: $tool missing (openssh-client)"; exit 1; }
done
D=$(mktemp -d /tmp/msshd-netloop-e2e.XXXXXX)
SPID=""
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT

KEXES="curve25519-sha256 curve25519-sha256@libssh.org ecdh-sha2-nistp256 ecdh-sha2-nistp384
ecdh-sha2-nistp521 diffie-hellman-group14-sha256 diffie-hellman-group16-sha512
diffie-hellman-group18-sha512 diffie-hellman-group-exchange-sha256"
nkex=$(echo $KEXES | wc -w)
# case:what the server's log must say ('+' for a space)
HOSTILE_CASES="len0:bad+packet+length len_huge:bad+packet+length pad3:bad+padding+length
unknown:Receive_Unknown+refused chanopen:Receive_Channel_Open_Session+refused
mac_chacha:corrupted+MAC mac_gcm:corrupted+MAC mac_etm:corrupted+MAC mac_hmac:corrupted+MAC"
nhostile=$(echo $HOSTILE_CASES | wc -w)
NCONN=$((3 + nkex + nhostile))

ssh-keygen -q -t ed25519 -N '' -f "$D/hk_ed25519" -C '' >/dev/null &&
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$D/hk_ecdsa" -C '' >/dev/null &&
ssh-keygen -q -t rsa -b 2048 -N '' -f "$D/hk_rsa" -C '' >/dev/null ||
	{ echo "FAIL: ssh-keygen"; exit 1; }
cat > "$D/sshd_config" <<EOF
HostKey $D/hk_ed25519
HostKey $D/hk_ecdsa
HostKey $D/hk_rsa
LogLevel DEBUG3
AuthorizedKeysFile none
EOF

timeout -k 5 300 "$SERVER" "$D/sshd_config" "$D/port" "$D/log" "$NCONN" \
	> "$D/server.out" 2>&1 &
SPID=$!
i=0
while [ ! -s "$D/port" ] && [ $i -lt 100 ]; do
	kill -0 "$SPID" 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
[ -s "$D/port" ] || { echo "FAIL: the server did not start"; cat "$D/server.out"; exit 1; }
PORT=$(cat "$D/port")

failures=0
checks=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# Every host key, by type.
checks=$((checks + 1))
timeout -k 5 60 ssh-keyscan -T 20 -p "$PORT" -t ed25519,ecdsa,rsa 127.0.0.1 \
	> "$D/keyscan.out" 2> "$D/keyscan.err"
for t in ed25519 ecdsa rsa; do
	blob=$(cut -d' ' -f2 "$D/hk_$t.pub")
	grep -q -- "$blob" "$D/keyscan.out" || fail "ssh-keyscan did not return the $t host key"
done

# Hostile clients, one connection each, before the ssh runs below (which then show that
# the listener still serves): each must be answered with DISCONNECT and leave a log line
# naming the cause among the lines its own connection added (3 s at most for the
# monitor to log once the net child is gone).
for hc in $HOSTILE_CASES; do
	case_=${hc%%:*}
	want=$(echo "${hc#*:}" | tr '+' ' ')
	checks=$((checks + 1))
	before=$(wc -l < "$D/log")
	if ! timeout -k 5 60 "$HOSTILE" "$PORT" "$case_" > "$D/hostile.out" 2>&1; then
		fail "hostile $case_: no DISCONNECT with the expected reason:"
		sed 's/^/    /' "$D/hostile.out"
	else
		echo "ok hostile $case_: $(cat "$D/hostile.out")"
	fi
	i=0
	while ! tail -n +"$((before + 1))" "$D/log" | grep -q -- "$want" && [ $i -lt 30 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	tail -n +"$((before + 1))" "$D/log" | grep -q -- "$want" ||
		fail "hostile $case_: the log does not say '$want'"
done

# Every key exchange method, up to user authentication.
for kex in $KEXES; do
	checks=$((checks + 1))
	timeout -k 5 60 ssh -F /dev/null -o BatchMode=yes -o KexAlgorithms=$kex \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=20 -o IdentitiesOnly=yes -o IdentityFile=/dev/null \
		-p "$PORT" nobody@127.0.0.1 true > "$D/ssh.out" 2> "$D/ssh.err"
	if ! grep -q "Permission denied" "$D/ssh.err"; then
		fail "ssh with $kex did not reach user authentication:"
		sed 's/^/    /' "$D/ssh.err"
	else
		echo "ok kex $kex"
	fi
done

# The server must have served every connection and ended by itself.
i=0
while kill -0 "$SPID" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
checks=$((checks + 1))
if kill -0 "$SPID" 2>/dev/null; then
	fail "the server did not end after $NCONN connections"
else
	wait "$SPID" || { fail "the server reported a failure"; cat "$D/server.out"; }
	SPID=""
fi
grep -q "Connection closed by 127.0.0.1 port\|Received disconnect from 127.0.0.1 port" "$D/log" ||
	fail "no end of connection logged"

if [ $failures -ne 0 ]; then
	echo "---- server log (last 60 lines) ----"
	tail -60 "$D/log"
	echo "netloop-e2e: $failures of $checks checks failed"
	exit 1
fi
echo "ok netloop-e2e: $checks checks (host keys by ssh-keyscan, $nkex kex methods by ssh)"
