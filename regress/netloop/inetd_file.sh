#!/bin/sh
# sshd -i whose stdout is a regular file: the net child runs with RLIMIT_FSIZE 0, so its
# first write (the identification line) goes past the limit.  It must fail cleanly (EFBIG,
# a log line naming the cause, exit status 255), not die of SIGXFSZ.  A control run with
# stdout on a pipe shows that sshd -i works at all with this configuration.
# Usage: inetd_file.sh SSHD
set -u
SSHD=$1
D=$(mktemp -d /tmp/msshd-inetd-file.XXXXXX)
trap 'rm -rf "$D"' EXIT
npass=0
nfail=0
pass() { npass=$((npass + 1)); echo "ok $1"; }
fail() { nfail=$((nfail + 1)); echo "FAIL $1${2:+: $2}"; }

# As root the net child drops to the user sshd (created when missing, as the interop
# tests do).
if [ "$(id -u)" -eq 0 ] && ! getent passwd sshd >/dev/null; then
	useradd --system --no-create-home --home-dir /run/sshd --shell /usr/sbin/nologin sshd ||
		{ echo "FAIL: cannot create user sshd"; exit 1; }
fi
ssh-keygen -q -t ed25519 -N '' -C '' -f "$D/hk" </dev/null || { echo "FAIL: ssh-keygen"; exit 1; }
cat > "$D/sshd_config" <<CFG
HostKey $D/hk
LogLevel DEBUG1
AuthorizedKeysFile none
PidFile none
CFG

# The client's identification line, then a second of silence (the server answers first).
client() { printf 'SSH-2.0-msshd_inetd_test\r\n'; sleep 1; }

# Control: stdout on a pipe gets our identification line.
client | timeout -k 5 30 "$SSHD" -i -e -f "$D/sshd_config" 2>"$D/pipe.err" |
	head -c 200 > "$D/pipe.out"
if grep -q '^SSH-2.0-' "$D/pipe.out"; then
	pass "sshd -i on a pipe sends its identification"
else
	fail "sshd -i on a pipe sends its identification" "$(cat "$D/pipe.err")"
fi

# stdout a regular file.
client | timeout -k 5 30 "$SSHD" -i -e -f "$D/sshd_config" > "$D/out.file" 2>"$D/file.err"
rc=$?
if [ $rc -eq 255 ]; then
	pass "sshd -i to a file exits 255"
else
	fail "sshd -i to a file exits 255" "exit $rc"
fi
if grep -q 'File too large' "$D/file.err"; then
	pass "the log names the cause ($(grep 'File too large' "$D/file.err" | head -1))"
else
	fail "the log names the cause (File too large)" "$(cat "$D/file.err")"
fi
if grep -q 'killed by signal' "$D/file.err"; then
	fail "the net child is not killed by a signal" "$(grep 'killed by signal' "$D/file.err")"
else
	pass "the net child is not killed by a signal"
fi
if grep -q 'net child [0-9]* exited with status 255' "$D/file.err"; then
	pass "the net child exits by itself"
else
	fail "the net child exits by itself" "$(cat "$D/file.err")"
fi
[ ! -s "$D/out.file" ] && pass "nothing written past the limit" ||
	fail "nothing written past the limit" "$(head -c 100 "$D/out.file")"

echo "[  PASSED  ] $npass test(s)."
if [ $nfail -ne 0 ]; then
	echo "[  FAILED  ] $nfail test(s)."
	exit 1
fi
exit 0
