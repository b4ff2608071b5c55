#!/bin/sh
# splc's emitters against golden copies: regress/spl/golden/example.spl (every construct
# of the language) compiled to C, PROMELA and DOT must equal the files kept beside it.
# After an intended change of the emitters, regenerate them with the command below.
set -u
B=${B:?run through make check (build dir)}
G=regress/spl/golden
out="$B/golden-spl"
rm -rf "$out"
mkdir -p "$out"
ASAN_OPTIONS=detect_leaks=0 "$B/spl/splc" --statecalls $G/example.statecalls \
	--prefix example_policy --c "$out/example_policy.c" --h "$out/example_policy.h" \
	--promela "$out/example.pml" --ltl $G/example.ltl --dot-dir "$out" $G/example.spl || exit 1
fail=0
for f in example_policy.c example_policy.h example.pml example.dot ender.dot; do
	if diff -u "$G/$f" "$out/$f"; then
		echo "ok $f"
	else
		fail=1
	fi
done
# The golden C compiles on its own against the runtime.
cc -std=c11 -Wall -Wextra -Werror -I. -I"$out" -c -o "$out/example_policy.o" \
	"$out/example_policy.c" && echo "ok example_policy.c compiles" || fail=1
exit $fail
