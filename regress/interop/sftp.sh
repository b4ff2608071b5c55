#!/bin/sh
# File transfer through the sftp subsystem with the stock clients: sftp put/get of a
# random file compared by checksum, scp (SFTP protocol, the 9.2 default) and legacy scp
# (-O: the server runs `scp -t/-f` through the user's shell), and a subsystem the
# configuration does not name refused.
# Usage: sftp.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
SFTP_SERVER=/usr/lib/openssh/sftp-server
if [ ! -x "$SFTP_SERVER" ]; then
	echo "SKIP: no $SFTP_SERVER (Debian package openssh-sftp-server)"
	exit 0
fi
start_sshd "Subsystem sftp $SFTP_SERVER" || { fail "sshd starts"; finish; }

# the files live in a directory the test user owns
D=$T/files
mkdir -p "$D" && chmod 755 "$D"
[ "$(id -u)" -eq 0 ] && chown "$TUSER" "$D"
head -c 1048577 /dev/urandom > "$T/src"
chmod 644 "$T/src"
want=$(sha256sum < "$T/src")

# client_opts: the options ssh_run gives, for sftp and scp (-P is the port for both).
client_opts="-F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no
	-o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR
	-o IdentityAgent=none -o IdentitiesOnly=yes -o ConnectTimeout=10 -i $KEY -P $PORT"

printf 'put %s %s/up\nget %s/up %s/down\nls %s\n' "$T/src" "$D" "$D" "$T" "$D" > "$T/batch"
# shellcheck disable=SC2086
timeout -k 5 "$SSH_TIMEOUT" sftp $client_opts -b "$T/batch" "$TUSER@127.0.0.1" \
	> "$T/sftp.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(sha256sum < "$D/up")" = "$want" ] &&
	[ "$(sha256sum < "$T/down")" = "$want" ]; then
	pass "sftp put and get 1 MiB + 1, same checksum"
else
	fail "sftp put and get 1 MiB + 1, same checksum" "rc $rc: $(head -c 300 "$T/sftp.out")"
fi
grep -q "$D/up" "$T/sftp.out" && pass "sftp ls lists the file" ||
	fail "sftp ls lists the file" "$(head -c 300 "$T/sftp.out")"

for mode in "" "-O"; do
	name="scp ${mode:-(sftp protocol)} both ways"
	rm -f "$D/scp" "$T/scp.back"
	# shellcheck disable=SC2086
	timeout -k 5 "$SSH_TIMEOUT" scp $mode $client_opts "$T/src" \
		"$TUSER@127.0.0.1:$D/scp" > "$T/scp.out" 2>&1 &&
		timeout -k 5 "$SSH_TIMEOUT" scp $mode $client_opts \
			"$TUSER@127.0.0.1:$D/scp" "$T/scp.back" >> "$T/scp.out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ "$(sha256sum < "$T/scp.back")" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "rc $rc: $(head -c 300 "$T/scp.out")"
	fi
done

# a subsystem the configuration does not name: the request fails, nothing runs
ssh_run -s -- nosuchsubsystem </dev/null >/dev/null 2>"$T/err"
rc=$?
[ $rc -ne 0 ] && pass "an unknown subsystem is refused" ||
	fail "an unknown subsystem is refused" "exit 0: $(cat "$T/err")"
grep -q "nosuchsubsystem" "$SSHD_LOG" && pass "the refusal is logged with its name" ||
	fail "the refusal is logged with its name" "$(tail -5 "$SSHD_LOG")"

stop_sshd
finish
