#!/bin/sh
# splc on malformed policies: each regress/spl/errors/NAME.spl starts with
#   # expect: LINE:COL: MESSAGE
# and splc must exit 1 with "FILE:LINE:COL: error: ...MESSAGE..." as its first line, then
# quote the line and put a caret under the column.
set -u
B=${B:?run through make check (build dir)}
splc="$B/spl/splc"
list=regress/spl/fixtures/ssh.statecalls
pass=0
fail=0
for f in regress/spl/errors/*.spl; do
	want=$(sed -n '1s/^# expect: //p' "$f")
	pos=${want%%: *}
	msg=${want#*: }
	out=$(ASAN_OPTIONS=detect_leaks=0 "$splc" --statecalls "$list" --check-only "$f" 2>&1)
	rc=$?
	first=$(printf '%s\n' "$out" | head -n 1)
	caret=$(printf '%s\n' "$out" | sed -n 3p)
	col=${pos#*:}
	case "$first" in
	"$f:$pos: error: "*"$msg"*)
		if [ $rc -eq 1 ] && [ "${#caret}" -eq $((col + 2)) ] && [ "${caret%^}" != "$caret" ]; then
			pass=$((pass + 1))
			echo "ok $f"
			continue
		fi ;;
	esac
	fail=$((fail + 1))
	echo "FAIL $f (exit $rc): want '$f:$pos: error: ...$msg', got:"
	printf '%s\n' "$out"
done
# A valid policy compiles silently.
if ASAN_OPTIONS=detect_leaks=0 "$splc" --statecalls "$list" --check-only sshd/proto/transport.spl \
	sshd/proto/layers.spl sshd/proto/auth.spl sshd/proto/channel.spl >/dev/null 2>&1; then
	pass=$((pass + 1))
else
	fail=$((fail + 1))
	echo "FAIL: the SSH policies do not compile"
fi
echo "splc errors: $pass passed, $fail failed"
[ $fail -eq 0 ]
