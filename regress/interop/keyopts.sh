#!/bin/sh
# authorized_keys options and the session environment, end to end with the stock client:
# command= (with SSH_ORIGINAL_COMMAND), from=, expiry-time=, environment= (only with
# PermitUserEnvironment), ForceCommand, AcceptEnv/SendEnv, SetEnv, a shell without a pty,
# and the login environment (HOME, SHELL, PATH, SSH_CLIENT).
# Usage: keyopts.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user

# refused NAME: the login must fail with the publickey refusal.
refused() {
	out=$(ssh_run -- echo in 2>&1)
	rc=$?
	if [ $rc -eq 255 ] && echo "$out" | grep -q "Permission denied (publickey)"; then
		pass "$1"
	else
		fail "$1" "exit $rc: $out"
	fi
}

start_sshd "AcceptEnv LC_MSSHD_*" || { fail "sshd starts"; finish; }

keys "command=\"echo forced:\$SSH_ORIGINAL_COMMAND\" $PUB"
expect_out "command= runs instead, SSH_ORIGINAL_COMMAND holds the request" \
	"forced:echo asked" ssh_run -- echo asked
keys "from=\"10.9.9.9\" $PUB"
refused "from= another address refuses the key"
keys "from=\"127.0.0.1,10.9.9.9\" $PUB"
expect_out "from= our address lets the key in" in ssh_run -- echo in
keys "expiry-time=\"20000101\" $PUB"
refused "an expired key is refused"
keys "environment=\"MSSHD_KEYENV=set\" $PUB"
expect_out "environment= is ignored without PermitUserEnvironment" "[]" \
	ssh_run -- 'echo "[$MSSHD_KEYENV]"'
keys "$PUB"
export LC_MSSHD_A=sent LC_OTHER_MSSHD=no
expect_out "AcceptEnv takes the variables it names, no others" "[sent][]" \
	ssh_run -o SendEnv=LC_MSSHD_A -o SendEnv=LC_OTHER_MSSHD -- \
	'echo "[$LC_MSSHD_A][$LC_OTHER_MSSHD]"'
unset LC_MSSHD_A LC_OTHER_MSSHD
expect_out "the login environment: HOME, SHELL, PATH, SSH_CLIENT" \
	"$(getent passwd "$TUSER" | cut -d: -f6):$(getent passwd "$TUSER" | cut -d: -f7):yes:127.0.0.1" \
	ssh_run -- 'echo "$HOME:$SHELL:${PATH:+yes}:${SSH_CLIENT%% *}"'
got=$(printf 'echo from-the-shell\nexit 4\n' | ssh_run -T -- 2>"$T/err")
rc=$?
[ $rc -eq 4 ] && [ "$got" = from-the-shell ] && pass "a shell without a pty reads stdin" ||
	fail "a shell without a pty reads stdin" "exit $rc, '$got', $(cat "$T/err")"

start_sshd "PermitUserEnvironment yes" || { fail "sshd starts"; finish; }
keys "environment=\"MSSHD_KEYENV=set\" $PUB"
expect_out "environment= with PermitUserEnvironment yes" "[set]" \
	ssh_run -- 'echo "[$MSSHD_KEYENV]"'

start_sshd "ForceCommand echo config-forced:\$SSH_ORIGINAL_COMMAND" ||
	{ fail "sshd starts"; finish; }
keys "command=\"echo key-forced\" $PUB"
expect_out "ForceCommand wins over command=" "config-forced:echo asked" \
	ssh_run -- echo asked

# SetEnv: the administrator's value wins over the client's, the first of a name wins
start_sshd "AcceptEnv LC_MSSHD_*" "SetEnv LC_MSSHD_A=server LC_MSSHD_A=second MSSHD_SET=x" ||
	{ fail "sshd starts"; finish; }
keys "$PUB"
export LC_MSSHD_A=sent
expect_out "SetEnv wins over the client's AcceptEnv variable; first of a name wins" \
	"[server][x]" ssh_run -o SendEnv=LC_MSSHD_A -- 'echo "[$LC_MSSHD_A][$MSSHD_SET]"'
unset LC_MSSHD_A
finish
