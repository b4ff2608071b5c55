#!/bin/sh
# make verify: SPIN model checking of the SPL policies (see regress/spl/ltl/*.ltl).
#
# Each ltl/MODEL.ltl names the policy (ssh or monitor) and the automata its model holds;
# splc writes the PROMELA, spin -a and cc build pan, and pan checks each claim
# exhaustively. A claim NAME_x belongs to property NAME (T1 ... M4, as in PROPERTIES.md);
# a property is PROVED when all its claims hold ("reach" claims: when SPIN finds the run).
# Then every mutants/NAME.patch (one deliberate mistake in sshd/proto) is applied to a
# copy of the policies, and SPIN must refute at least one claim of NAME: "MUTANT NAME
# caught". A property without a mutant, or a surviving mutant, fails the run.
#
# Environment (from spl/spl.mk): SPLC B SSH_STATECALLS MONITOR_STATECALLS
#                                SSH_POLICIES MONITOR_POLICIES
set -u

here=regress/spl

# The verdict depends only on splc, the statecall lists, the policies, the claims, the
# mutants and this script.  `make check` runs verify every time, so a run that passed is
# remembered under the hash of those inputs and its report replayed while they are
# unchanged (VERIFY_FORCE=1 runs SPIN regardless).  A failed run is never remembered.
if [ -z "${VERIFY_INNER:-}" ]; then
	# shellcheck disable=SC2086
	inputs=$(cat "$SPLC" $SSH_STATECALLS $MONITOR_STATECALLS $SSH_POLICIES \
		$MONITOR_POLICIES "$here"/ltl/* "$here"/mutants/* "$0" | sha256sum | cut -d' ' -f1)
	passed="$B/verify.passed"
	if [ "${VERIFY_FORCE:-0}" != 1 ] && [ -f "$passed" ] &&
	   [ "$(head -n 1 "$passed")" = "$inputs" ]; then
		echo "(SPIN verdict of an earlier run on the same inputs)"
		tail -n +2 "$passed"
		exit 0
	fi
	rm -f "$passed"
	mkdir -p "$B"
	VERIFY_INNER=1 sh "$0" >"$B/verify.out" 2>&1
	rc=$?
	cat "$B/verify.out"
	if [ $rc -eq 0 ]; then
		{ echo "$inputs"; cat "$B/verify.out"; } >"$passed.tmp" && mv "$passed.tmp" "$passed"
	fi
	exit $rc
fi

work="$B/verify"
rm -rf "$work"
mkdir -p "$work"
proved=0
failed=0
PAN_CFLAGS="-O0 -w -DNOREDUCE -DVECTORSZ=256"

# model_pml LTL PROTO_DIR OUT: the PROMELA of the model LTL describes, from PROTO_DIR.
model_pml() {
	policy=$(sed -n 's/^# policy: //p' "$1")
	automata=$(sed -n 's/^# automata: //p' "$1")
	if [ "$policy" = monitor ]; then
		list=$MONITOR_STATECALLS
		files=$MONITOR_POLICIES
	else
		list=$SSH_STATECALLS
		files=$SSH_POLICIES
	fi
	srcs=""
	for f in $files; do srcs="$srcs $2/$(basename "$f")"; done
	# shellcheck disable=SC2086
	$SPLC --statecalls "$list" --promela "$3" --ltl "$1" --automata "$automata" $srcs
}

# build_pan PML DIR: spin -a and cc in DIR.
build_pan() {
	mkdir -p "$2"
	cp "$1" "$2/model.pml"
	(cd "$2" && spin -a model.pml >spin.log 2>&1 && cc $PAN_CFLAGS -o pan pan.c >cc.log 2>&1)
}

# run_claim DIR CLAIM: 0 when the claim holds (reach claims: when SPIN refutes it).
run_claim() {
	(cd "$1" && ./pan -a -m1000000 -N "$2" >"$2.out" 2>&1)
	errs=$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$1/$2.out" | head -n 1)
	[ -n "$errs" ] || return 2
	if grep -q "^ltl $2 .*/\* reach \*/" "$1/model.pml"; then
		[ "$errs" -gt 0 ]
	else
		[ "$errs" -eq 0 ] && ! grep -q "max search depth too small" "$1/$2.out"
	fi
}

claims_of() {   # claims of a PML file, one per line
	sed -n 's/^ltl \([A-Za-z0-9_]*\) .*/\1/p' "$1"
}

props=""
for ltl in "$here"/ltl/*.ltl; do
	model=$(basename "$ltl" .ltl)
	if ! model_pml "$ltl" "sshd/proto" "$work/$model.pml" || \
	   ! build_pan "$work/$model.pml" "$work/$model"; then
		echo "FAILED model $model (splc, spin or cc: see $work/$model)"
		failed=$((failed + 1))
		continue
	fi
	for c in $(claims_of "$work/$model.pml"); do
		p=${c%%_*}
		if run_claim "$work/$model" "$c"; then
			echo "$p" >>"$work/ok"
		else
			echo "$p" >>"$work/bad"
			echo "claim $c does not hold: $work/$model/$c.out"
		fi
		echo "$p $model" >>"$work/where"
	done
done
props=$(cut -d' ' -f1 "$work/where" 2>/dev/null | sort -u)
for p in $props; do
	if grep -qx "$p" "$work/bad" 2>/dev/null; then
		echo "FAILED $p"
		failed=$((failed + 1))
	else
		echo "PROVED $p"
		proved=$((proved + 1))
	fi
done

# Mutants: each must make SPIN refute its property. Two at a time (2 cores).
# try_mutant P: prints one MUTANT line; exit 0 only when caught.
try_mutant() {
	p=$1
	m="$here/mutants/$p.patch"
	if [ ! -f "$m" ]; then
		echo "MUTANT $p missing ($m)"
		return 1
	fi
	mdir="$work/mutant-$p"
	mkdir -p "$mdir/sshd/proto"
	cp sshd/proto/*.spl "$mdir/sshd/proto/"
	if ! patch -s -d "$mdir" -p1 <"$m" >"$mdir/patch.log" 2>&1; then
		echo "MUTANT $p does not apply (see $mdir/patch.log)"
		return 1
	fi
	caught=0
	for model in $(grep "^$p " "$work/where" | cut -d' ' -f2 | sort -u); do
		if ! model_pml "$here/ltl/$model.ltl" "$mdir/sshd/proto" "$mdir/$model.pml" \
		     2>"$mdir/splc.log" || ! build_pan "$mdir/$model.pml" "$mdir/$model"; then
			echo "MUTANT $p does not compile (see $mdir)"
			return 1
		fi
		for c in $(claims_of "$mdir/$model.pml"); do
			[ "${c%%_*}" = "$p" ] || continue
			run_claim "$mdir/$model" "$c" || caught=1
		done
	done
	if [ $caught -eq 1 ]; then
		echo "MUTANT $p caught"
		return 0
	fi
	echo "MUTANT $p SURVIVED"
	return 1
}

running=0
for p in $props; do
	(try_mutant "$p" >"$work/mutant-$p.result" 2>&1; echo $? >"$work/mutant-$p.rc") &
	running=$((running + 1))
	if [ $running -ge 2 ]; then
		wait
		running=0
	fi
done
wait
for p in $props; do
	cat "$work/mutant-$p.result"
	[ "$(cat "$work/mutant-$p.rc")" = 0 ] || failed=$((failed + 1))
done

echo "$proved proved, $failed failed"
[ $failed -eq 0 ]
