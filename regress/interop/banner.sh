#!/bin/sh
# Banner: the stock client shows the text of sshd_config's Banner file before it
# authenticates (SSH_MSG_USERAUTH_BANNER, read by the monitor at each connection, so an
# edited file shows on the next one); "none", a missing file and a file over the 192 KiB
# limit send nothing, and the login goes on in each case.
# Usage: banner.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
BANNER=$T/banner.txt
printf 'Welcome to msshd\nsecond line of the banner\n' > "$BANNER"
chmod 644 "$BANNER"

# login_banner NAME WANT: logs in (-v: the client prints banners only at LogLevel INFO
# and above, and ssh_run's LogLevel=ERROR comes first);
# the command's output must be "in" and stderr must hold WANT ("" : no banner at all).
login_banner() {
	out=$(ssh_run -v -- echo in 2>"$T/err")
	rc=$?
	if [ $rc -ne 0 ] || [ "$out" != in ]; then
		fail "$1" "exit $rc, out '$out', $(head -c 300 "$T/err")"
	elif [ -n "$2" ] && ! grep -qF "$2" "$T/err"; then
		fail "$1" "stderr lacks '$2': $(head -c 300 "$T/err")"
	elif [ -z "$2" ] && grep -q "Welcome\|edited\|0000000" "$T/err"; then
		fail "$1" "a banner came: $(head -c 300 "$T/err")"
	else
		pass "$1"
	fi
}

start_sshd "Banner $BANNER" || { fail "sshd starts"; finish; }
login_banner "the client shows the banner" "Welcome to msshd"
grep -qF "second line of the banner" "$T/err" && pass "every line of it" ||
	fail "every line of it" "$(head -c 300 "$T/err")"
# the banner comes before authentication: a client that fails to log in sees it too
ssh_run -v -o PubkeyAuthentication=no -- true \
	</dev/null >/dev/null 2>"$T/err2"
grep -qF "Welcome to msshd" "$T/err2" && pass "a client that cannot log in sees it too" ||
	fail "a client that cannot log in sees it too" "$(head -c 300 "$T/err2")"

printf 'edited banner\n' > "$BANNER"
login_banner "the file is read at each connection" "edited banner"

rm -f "$BANNER"
login_banner "a missing file: no banner, the login goes on" ""

# the largest banner sent, and one byte more
awk 'BEGIN { for (i = 0; i < 12288; i++) printf "%015d\n", i }' > "$BANNER"
login_banner "a 192 KiB banner arrives" "000000000000000"
[ "$(grep -c '^[0-9]\{15\}$' "$T/err")" -eq 12288 ] && pass "whole" ||
	fail "whole" "$(grep -c '^[0-9]\{15\}$' "$T/err") of 12288 lines"
printf 'x' >> "$BANNER"
login_banner "over 192 KiB: no banner, the login goes on" ""
grep -q "is larger than 196608 bytes: not sent" "$SSHD_LOG" &&
	pass "the oversized file is logged" || fail "the oversized file is logged"

start_sshd "Banner none" || { fail "sshd starts with Banner none"; finish; }
login_banner "Banner none: no banner" ""
finish
