#!/bin/sh
# Run every test program and check script given on the command line, each bounded in
# time, and print one closing line:  "check: N passed, M failed".
# cmocka programs are counted by their own summary lines; any other program counts as
# one test that passes when it exits 0.
set -u

limit=${CHECK_TIMEOUT:-600}
passed=0
failed=0
failed_names=""
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for t in "$@"; do
    name=${t##*/}
    case "$t" in
    */fuzz/*)   # a libFuzzer target: a short bounded run over its seed corpus. New inputs
                # go to the first corpus directory, a scratch one, never to the seeds.
        # A finding is kept under build-fuzz/crashes/ (named in the output) to reproduce.
        scratch=$(mktemp -d)
        mkdir -p build-fuzz/crashes
        timeout -k 10 "$limit" "$t" -max_total_time="${FUZZ_CHECK_SECONDS:-5}" \
            -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$name-" \
            "$scratch" "regress/fuzz/corpus/$name" >"$out" 2>&1 </dev/null
        rc=$?
        rm -rf "$scratch" ;;
    *)
        CMOCKA_MESSAGE_OUTPUT=stdout timeout -k 10 "$limit" "$t" >"$out" 2>&1 </dev/null
        rc=$? ;;
    esac
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | awk '{s+=$1} END {print s+0}')
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        if [ $rc -eq 0 ]; then p=1; else f=1; fi
    elif [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1     # crashed or timed out after some tests passed
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ $rc -ne 0 ] || [ "$f" -ne 0 ]; then
        failed_names="$failed_names $name"
        echo "---- $name (exit $rc) ----"
        cat "$out"
    else
        grep -E '^\[  (PASSED|FAILED)  \]|^(ok|PROVED|MUTANT) ' "$out" | sed "s|^|$name: |"
        [ "$p" -ne 0 ] || echo "$name: ok"
    fi
done

[ -z "$failed_names" ] || echo "failed:$failed_names"
echo "check: $passed passed, $failed failed"
[ $failed -eq 0 ]
