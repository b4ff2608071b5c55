#!/bin/sh
# Every algorithm of issue 5 against the stock client: each kex with one cipher, each
# cipher (and each MAC with a CTR cipher) with one kex, each host key type (RSA with both
# signature algorithms).  The client is limited to one algorithm each time, so the
# connection can only succeed with that one; the debug log of the client names what was
# negotiated, and that is checked too.
# Usage: algos.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user

ED=$(hostkey ed25519) && E256=$(hostkey ecdsa 256) && E384=$(hostkey ecdsa 384) &&
	E521=$(hostkey ecdsa 521) && RSA=$(hostkey rsa 3072) || exit 1
start_sshd "HostKey $ED" "HostKey $E256" "HostKey $E384" "HostKey $E521" "HostKey $RSA" ||
	{ fail "sshd starts"; finish; }

# try NAME WANT-IN-DEBUG ssh-options...: `echo ok` with those options; the client's -v
# output must contain WANT (what was negotiated).
try() {
	name=$1 want=$2
	shift 2
	got=$(ssh_run -v "$@" -- echo ok 2>"$T/err")
	rc=$?
	if [ $rc -ne 0 ] || [ "$got" != ok ]; then
		fail "$name" "exit $rc: $(grep -v '^debug1' "$T/err" | head -c 300)"
	elif ! grep -q -- "$want" "$T/err"; then
		fail "$name" "negotiated otherwise: $(grep -E 'kex: (algorithm|host key|server->client)' "$T/err")"
	else
		pass "$name"
	fi
}

for kex in curve25519-sha256 curve25519-sha256@libssh.org ecdh-sha2-nistp256 \
    ecdh-sha2-nistp384 ecdh-sha2-nistp521 diffie-hellman-group14-sha256 \
    diffie-hellman-group16-sha512 diffie-hellman-group18-sha512 \
    diffie-hellman-group-exchange-sha256; do
	try "kex $kex" "kex: algorithm: $kex" -o KexAlgorithms=$kex \
		-o Ciphers=aes128-gcm@openssh.com
done
for c in chacha20-poly1305@openssh.com aes128-gcm@openssh.com aes256-gcm@openssh.com \
    aes128-ctr aes192-ctr aes256-ctr; do
	try "cipher $c" "kex: server->client cipher: $c" -o Ciphers=$c \
		-o KexAlgorithms=curve25519-sha256
done
for m in hmac-sha2-256 hmac-sha2-512 hmac-sha2-256-etm@openssh.com \
    hmac-sha2-512-etm@openssh.com; do
	try "mac $m" "kex: server->client cipher: aes128-ctr MAC: $m " -o Ciphers=aes128-ctr \
		-o MACs=$m -o KexAlgorithms=curve25519-sha256
done
for hk in ssh-ed25519 ecdsa-sha2-nistp256 ecdsa-sha2-nistp384 ecdsa-sha2-nistp521 \
    rsa-sha2-256 rsa-sha2-512; do
	try "host key $hk" "kex: host key algorithm: $hk" -o HostKeyAlgorithms=$hk
done
finish
