#!/bin/sh
# mplc's error messages: each regress/mpl/bad/NAME.mpl must be rejected (exit 1) with
# exactly the messages in NAME.err (file:line:col, the source line, a caret).
# usage: mplc-errors.sh MPLC
set -u
mplc=$1
status=0
n=0
for src in regress/mpl/bad/*.mpl; do
    want=${src%.mpl}.err
    got=$("$mplc" --check "$src" 2>&1 >/dev/null)
    rc=$?
    n=$((n + 1))
    if [ $rc -ne 1 ]; then
        echo "FAIL $src: exit $rc, expected 1"
        status=1
    elif ! printf '%s\n' "$got" | diff -u "$want" - >/dev/null; then
        echo "FAIL $src: messages differ:"
        printf '%s\n' "$got" | diff -u "$want" -
        status=1
    fi
done
[ $status -eq 0 ] && echo "ok mplc rejects $n bad inputs with the expected messages"
exit $status
