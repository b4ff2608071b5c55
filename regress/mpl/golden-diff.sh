#!/bin/sh
# The generated codecs must equal their golden copies in regress/golden/, so that a
# change to mplc or to a .mpl shows up as a diff in review. After an intended change:
#     make mpl-golden
# usage: golden-diff.sh GENDIR
set -u
gen=$1
status=0
n=0
for want in regress/golden/*; do
    f=${want##*/}
    n=$((n + 1))
    if ! diff -u "$want" "$gen/$f"; then
        echo "FAIL $f differs from its golden copy (run 'make mpl-golden' if intended)"
        status=1
    fi
done
[ $n -gt 0 ] || { echo "FAIL no golden copies"; status=1; }
[ $status -eq 0 ] && echo "ok $n generated files equal their golden copies"
exit $status
