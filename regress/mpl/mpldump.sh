#!/bin/sh
# mpldump: decodes hex and raw payloads field by field, hides secrets, names the field
# of a malformed payload (exit 1), and takes state variables.
# usage: mpldump.sh MPLDUMP
set -u
dump=$1
status=0
check() {   # check NAME EXPECTED-EXIT PATTERN OUTPUT EXIT
    if [ "$5" -ne "$2" ] || ! printf '%s\n' "$4" | grep -q -- "$3"; then
        echo "FAIL $1 (exit $5):"
        printf '%s\n' "$4"
        status=1
    fi
}
# SERVICE_REQUEST "ssh-userauth", raw
out=$(printf '\005\000\000\000\014ssh-userauth' | "$dump"); rc=$?
check service-request 0 'service: "ssh-userauth"' "$out" $rc
# USERAUTH_REQUEST password "hunter2" for alice, hex with spaces: the secret is elided
hex='32 00000005 616c696365 0000000e 7373682d636f6e6e656374696f6e 00000008 70617373776f7264 00 00000007 68756e74657232'
out=$(echo "$hex" | "$dump" --hex); rc=$?
check password-variant 0 'variant: Auth_Request_Password' "$out" $rc
check password-secret 0 'password: <secret, 7 bytes>' "$out" $rc
if printf '%s\n' "$out" | grep -q hunter2; then echo "FAIL the password was printed"; status=1; fi
# the same with a truncated password: malformed, the field named
out=$(echo "${hex%??}" | "$dump" --hex); rc=$?
check truncated 1 'Auth_Request_Password.password at offset' "$out" $rc
# message 60 is decided by the state variable
out=$(echo '3c 00000003 616c67 00000004 626c6f62' | "$dump" --hex --state auth_method=1); rc=$?
check pk-ok 0 'variant: Auth_PkOk' "$out" $rc
out=$(echo '3c 00000003 616c67 00000004 626c6f62' | "$dump" --hex --state auth_method=2); rc=$?
check passwd-changereq 0 'variant: Auth_PasswdChangeReq' "$out" $rc
# another packet: an ssh-ed25519 public key blob
out=$(echo '0000000b 7373682d65643235353139 00000020 0000000000000000000000000000000000000000000000000000000000000000' | "$dump" --hex --packet ssh_public_key); rc=$?
check public-key 0 'variant: Ed25519' "$out" $rc
out=$(echo '0' | "$dump" --hex 2>&1); rc=$?
check odd-hex 2 'hex digits' "$out" $rc
[ $status -eq 0 ] && echo "ok mpldump decodes, hides secrets, names malformed fields"
exit $status
