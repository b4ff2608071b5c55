#!/bin/sh
# Run each libFuzzer target for SECONDS, keeping its growing corpus in build-fuzz/corpus/
# (seeded from regress/fuzz/corpus/NAME/), and print execs/s and coverage for each.
set -u
secs=$1; shift
status=0
for f in "$@"; do
    name=${f##*/}
    work="build-fuzz/corpus/$name"
    mkdir -p "$work" "regress/fuzz/corpus/$name" build-fuzz/crashes
    log="build-fuzz/$name.log"
    "$f" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/"$name"- \
        "$work" "regress/fuzz/corpus/$name" >"$log" 2>&1 </dev/null
    rc=$?
    execs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "fuzz $name: ok, ${secs}s, ${execs:-?} execs/s, ${cov:-cov: ?}"
    else
        echo "fuzz $name: FINDING (exit $rc), see $log"; status=1
    fi
done
exit $status
