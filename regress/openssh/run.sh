#!/bin/sh
# make regress-openssh: OpenSSH's own regression suite (Debian's openssh-tests, in
# /usr/lib/openssh/regress) run against our sshd, one test at a time, each in a fresh copy
# of the suite with a time limit, and a line per test: PASS, FAIL, SKIP or TIMEOUT.
# Not part of `make check`: the whole suite takes half an hour or more and most of what it
# tests belongs to later milestones.  The facts it relies on are in
# shared/OPENSSH-REGRESS.md.
#
# Usage: run.sh SSHD [TEST...]      (default: every test of the suite's LTESTS)
# Env:   REGRESS_TIMEOUT  seconds per test (default 300)
#        REGRESS_KEEP=1   keep the work directories (default: only the failed ones)
#        REGRESS_SRC      the suite (default /usr/lib/openssh/regress)
#
# Runs as root without sudo (SUDO unset), the way the suite runs as root: every sshd it
# starts is ours, run as root, and root logs in with its keys.  Two tests are left out for
# their environment, whatever the server: sshfp-connect needs DNS SSHFP records and
# conch-ciphers fails against OpenSSH's own sshd (Twisted's conch3 on Debian 12).
set -u

SSHD=${1:?usage: run.sh SSHD [TEST...]}
shift
case $SSHD in /*) ;; *) SSHD=$(pwd)/$SSHD ;; esac
SRC=${REGRESS_SRC:-/usr/lib/openssh/regress}
TO=${REGRESS_TIMEOUT:-300}
EXCLUDED="sshfp-connect conch-ciphers"

[ -x "$SSHD" ] || { echo "regress-openssh: $SSHD is not an executable" >&2; exit 2; }
[ -f "$SRC/test-exec.sh" ] ||
	{ echo "regress-openssh: no suite in $SRC (apt-get install openssh-tests)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "regress-openssh: run as root" >&2; exit 2; }
SFTP_SERVER=/usr/lib/openssh/sftp-server
[ -x "$SFTP_SERVER" ] ||
	{ echo "regress-openssh: no $SFTP_SERVER (apt-get install openssh-sftp-server)" >&2; exit 2; }
mkdir -p /run/sshd && chmod 755 /run/sshd

# The suite's own list, in its order: the words after "LTESTS=" up to the first line that
# does not end in a backslash.
suite_tests() {
	sed -n '/^LTESTS=/,/[^\\]$/p' "$SRC/Makefile" | sed 's/^LTESTS=//; s/\\//g' | tr -s ' \t' '\n' |
		grep -v '^$'
}

if [ $# -gt 0 ]; then
	TESTS=$*
else
	TESTS=$(suite_tests)
fi
[ -n "$TESTS" ] || { echo "regress-openssh: no tests found in $SRC/Makefile" >&2; exit 2; }

WORK=$(mktemp -d /tmp/msshd-regress.XXXXXX) || exit 2

# kill_leftovers DIR: stop what a test started and left behind (a daemon that outlived a
# time limit, a ProxyCommand server): every process whose command line names DIR, by PID.
# Each of them was started by this run, since DIR is this run's own new directory.
kill_leftovers() {
	pids=""
	[ -s "$1/pidfile" ] && pids=$(cat "$1/pidfile")
	for p in /proc/[0-9]*; do
		if { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF "$1/"; then
			pids="$pids ${p#/proc/}"
		fi
	done
	for p in $pids; do
		[ "$p" != "$$" ] && kill -TERM "$p" 2>/dev/null
	done
	sleep 1
	for p in $pids; do
		[ "$p" != "$$" ] && kill -KILL "$p" 2>/dev/null
	done
	return 0
}

pass=0 fail=0 skip=0 n=0
failed=""
printf 'regress-openssh: %s against %s, %s s per test, work in %s\n' \
	"$SRC" "$SSHD" "$TO" "$WORK"
for t in $TESTS; do
	case " $EXCLUDED " in
	*" $t "*) printf '%-22s EXCLUDED (environment)\n' "$t"; continue ;;
	esac
	if [ ! -f "$SRC/$t.sh" ]; then
		printf '%-22s FAIL (no such test)\n' "$t"
		fail=$((fail + 1)); failed="$failed $t"; continue
	fi
	n=$((n + 1))
	# Not named after the test: hostkey-agent and hostkey-rotate grep "hostkey" out of
	# their configuration, which would take the directory's lines with it.
	d="$WORK/$(printf 't%02d' "$n")"
	cp -a "$SRC" "$d" || exit 2
	t0=$(date +%s)
	(
		cd "$d" || exit 2
		# A test whose server lacks a feature can loop on its input (agent-restrict
		# runs `cat $SSH_USER_AUTH`: without ExposeAuthInfo, cat copies the client's
		# /dev/zero through five hops): no file of a test may grow past 512 MiB.
		ulimit -f 1048576
		exec timeout -k 10 "$TO" env OBJ="$d" BUILDDIR="$d" TEST_SHELL=sh \
			TEST_SSH_SSHD="$SSHD" TEST_SSH_SFTPSERVER="$SFTP_SERVER" \
			TEST_SSH_UNSAFE_PERMISSIONS=1 TEST_SSH_IPV6=yes TEST_SSH_ECC=yes \
			sh "$d/test-exec.sh" "$d" "$d/$t.sh"
	) </dev/zero >"$d/output" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	kill_leftovers "$d"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		verdict=TIMEOUT
	elif [ $rc -ne 0 ]; then
		verdict=FAIL
	elif grep -q '^SKIPPED\|^skipped' "$d/output"; then
		verdict=SKIP	# the suite's skip() exits 0 unless something failed first
	else
		verdict=PASS
	fi
	printf '%-22s %-8s %4d s\n' "$t" "$verdict" "$secs"
	case $verdict in
	PASS) pass=$((pass + 1)) ;;
	SKIP) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed="$failed $t" ;;
	esac
	if [ "$verdict" = PASS ] || [ "$verdict" = SKIP ]; then
		[ "${REGRESS_KEEP:-0}" = 1 ] || rm -rf "$d"
	else
		# keep the logs of a failure, not its bulk data
		find "$d" -type f -size +16M -delete
	fi
done

printf 'regress-openssh: %d passed, %d failed, %d skipped\n' "$pass" "$fail" "$skip"
if [ -n "$failed" ]; then
	echo "failed:$failed"
	echo "logs: $WORK/tNN/{output,regress.log,sshd.log,failed-*.log}"
	exit 1
fi
[ "${REGRESS_KEEP:-0}" = 1 ] || rmdir "$WORK" 2>/dev/null
exit 0
