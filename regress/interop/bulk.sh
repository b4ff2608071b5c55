#!/bin/sh
# 16 MiB each way through a session channel, compared by SHA-256; then the same with a
# re-key started by the client (RekeyLimit=1M) and by the server (RekeyLimit 1M in its
# configuration) in the middle of the transfer.  The client's debug log counts the key
# exchanges (one "SSH2_MSG_NEWKEYS received" each).  A server RekeyLimit of 16 bytes, passed
# by the first exchange itself, must wait for the user to be in: the stock client takes no
# KEXINIT while it authenticates (OpenSSH's regress rekey.sh "server rekeylimit 16").
# Usage: bulk.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user

BIG=$T/big
head -c 16777216 /dev/urandom > "$BIG" || exit 1
chmod 644 "$BIG"
SUM=$(sha256sum < "$BIG" | cut -d' ' -f1)

# up NAME ssh-options...: the file to the server's sha256sum
up() {
	name=$1
	shift
	got=$(ssh_run -v "$@" -- sha256sum < "$BIG" 2>"$T/err" | cut -d' ' -f1)
	if [ "$got" = "$SUM" ]; then
		pass "$name"
	else
		fail "$name" "sum '$got': $(grep -v '^debug' "$T/err" | head -c 300)"
	fi
}
# down NAME ssh-options...: the file from the server
down() {
	name=$1
	shift
	got=$(ssh_run -v "$@" -- cat "$BIG" 2>"$T/err" </dev/null | sha256sum | cut -d' ' -f1)
	if [ "$got" = "$SUM" ]; then
		pass "$name"
	else
		fail "$name" "sum '$got': $(grep -v '^debug' "$T/err" | head -c 300)"
	fi
}
# rekeyed NAME: the last transfer ran more than one key exchange
rekeyed() {
	n=$(grep -c 'SSH2_MSG_NEWKEYS received' "$T/err")
	[ "$n" -ge 2 ] && pass "$1 ($n key exchanges)" || fail "$1" "$n key exchange(s)"
}

start_sshd || { fail "sshd starts"; finish; }
up "16 MiB client to server"
down "16 MiB server to client"
up "16 MiB up with a client re-key" -o RekeyLimit=1M
rekeyed "the client re-keyed during the upload"
down "16 MiB down with a client re-key" -o RekeyLimit=1M
rekeyed "the client re-keyed during the download"

start_sshd "RekeyLimit 1M" || { fail "sshd starts with RekeyLimit 1M"; finish; }
up "16 MiB up with a server re-key"
rekeyed "the server re-keyed during the upload"
down "16 MiB down with a server re-key"
rekeyed "the server re-keyed during the download"

start_sshd "RekeyLimit 16" || { fail "sshd starts with RekeyLimit 16"; finish; }
got=$(ssh_run -v -- 'head -c 262144 /dev/zero | wc -c' 2>"$T/err")
[ "$got" = 262144 ] && pass "RekeyLimit 16: the login and 256 KiB down succeed" ||
	fail "RekeyLimit 16: the login and 256 KiB down succeed" \
		"got '$got': $(grep -v '^debug' "$T/err" | head -c 300)"
rekeyed "RekeyLimit 16: the server re-keyed after the login"
finish
