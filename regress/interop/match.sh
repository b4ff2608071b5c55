#!/bin/sh
# Match blocks applied per connection by the monitor once the user is known (as OpenSSH
# applies them at the account lookup): by User, Address, LocalAddress; what they set
# (ForceCommand, PubkeyAuthentication, AuthorizedKeysFile, DenyUsers, SetEnv, Banner)
# takes effect only for the connections they match.
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
finish
