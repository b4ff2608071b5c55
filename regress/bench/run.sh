#!/bin/sh
# make bench: msshd and OpenSSH's sshd side by side on loopback, with the same client,
# keys and configuration, measured in alternation so that a noisy machine slows both
# alike.  Prints each figure for both servers and the ratio msshd / OpenSSH.  Timings
# only: nothing here passes or fails (a server that cannot serve is reported and skipped).
#
#   login    wall time of `ssh HOST true` with a key (median of BENCH_N runs)
#   refusal  wall time until a key is refused, for a known user and for an unknown one:
#            the two must not tell an observer which user names exist (issue 5)
#   up/down  MB/s of BENCH_MB MiB through one channel, per cipher (and MAC)
#   rss      resident memory of all the server's processes while one session is open
#
# Usage: run.sh SSHD RAWCLIENT [OPENSSH-SSHD]   (env: BENCH_N=30, BENCH_MB=256)
set -u
. "$(dirname "$0")/../interop/lib.sh"
interop_init "$1" "$2"
MSSHD=$SSHD
REF=${3:-/usr/sbin/sshd}
N=${BENCH_N:-30}
MB=${BENCH_MB:-256}
SSH_TIMEOUT=600

interop_user
# a key no server lets in, for the refusal timings
ssh-keygen -q -t ed25519 -N '' -f "$T/wrong" </dev/null || exit 1
# the unknown user must be unknown to the system
NOUSER=msshd-bench-nosuchuser
getent passwd "$NOUSER" >/dev/null && { echo "user $NOUSER exists"; exit 1; }

now_ns() { date +%s%N; }

# median of the numbers on stdin
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan";
	else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# start NAME: the server NAME (msshd or openssh) on a free port; PORT and SSHD_PID set.
start() {
	case $1 in
	msshd) SSHD=$MSSHD ;;
	openssh) SSHD=$REF ;;
	esac
	start_sshd "MaxAuthTries 6" >/dev/null
}

# timed_ms CMD...: run CMD with no output, print its wall time in ms.
timed_ms() {
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 </dev/null
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000))
}

# rss_kb PID: resident memory of PID and all its descendants, in KiB.
rss_kb() {
	# shellcheck disable=SC2046
	ps -o rss= -p "$1" $(descendants "$1" | sed 's/^/-p /') 2>/dev/null |
		awk '{ s += $1 } END { print s + 0 }'
}

SERVERS="msshd"
if [ -x "$REF" ] && [ "$(id -u)" -eq 0 ]; then
	mkdir -p /run/sshd && chmod 755 /run/sshd
	SERVERS="msshd openssh"
else
	echo "note: OpenSSH's sshd ($REF) not runnable here (needs root): msshd alone"
fi

for s in $SERVERS; do : > "$T/login.$s"; : > "$T/known.$s"; : > "$T/unknown.$s"; done

# Alternate the servers run by run: each round starts each server once.
rounds=$(( (N + 4) / 5 ))
r=0
while [ $r -lt $rounds ]; do
	for s in $SERVERS; do
		start "$s" || { echo "$s did not start"; continue; }
		i=0
		while [ $i -lt 5 ]; do
			timed_ms ssh_run -- true >> "$T/login.$s"
			timed_ms ssh_run -i "$T/wrong" -- true >> "$T/known.$s"
			timed_ms ssh_run -i "$T/wrong" -l "$NOUSER" -- true >> "$T/unknown.$s"
			i=$((i + 1))
		done
		stop_sshd
	done
	r=$((r + 1))
done

# The sessions must have worked: a login that failed fast would look fast.
for s in $SERVERS; do
	start "$s" || continue
	out=$(ssh_run -- echo bench-ok 2>&1)
	[ "$out" = "bench-ok" ] || echo "WARNING: $s login failed: $out"
	stop_sshd
done

row() {	# row LABEL UNIT FILE-STEM
	m=$(median < "$T/$3.msshd")
	if [ -s "$T/$3.openssh" ] 2>/dev/null; then
		o=$(median < "$T/$3.openssh")
		printf '%-36s %10s %10s %8s\n' "$1" "$m $2" "$o $2" \
			"$(awk -v a="$m" -v b="$o" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
	else
		printf '%-36s %10s\n' "$1" "$m $2"
	fi
}

printf '\n%-36s %10s %10s %8s\n' "" "msshd" "OpenSSH" "ratio"
row "login (ssh true), median" ms login
row "refusal, known user" ms known
row "refusal, unknown user" ms unknown
for s in $SERVERS; do
	k=$(median < "$T/known.$s")
	u=$(median < "$T/unknown.$s")
	printf '  %s: unknown/known refusal time %s\n' "$s" \
		"$(awk -v a="$u" -v b="$k" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
done

# Throughput and memory: one server at a time, each figure the best of 3 runs.
# CIPHER[/MAC]: with aes128-ctr alone the MAC is the client's first choice each server
# has, so OpenSSH runs umac-64-etm (msshd has no UMAC) while msshd runs hmac-sha2-256-etm;
# the /MAC entries force the same MAC on both.
for c in chacha20-poly1305@openssh.com aes128-gcm@openssh.com aes128-ctr \
	aes128-ctr/hmac-sha2-256-etm@openssh.com aes128-ctr/hmac-sha2-512; do
	cipher=${c%%/*}
	mac=
	case $c in */*) mac=${c#*/} ;; esac
	label=$cipher${mac:++${mac%@openssh.com}}
	[ -n "$mac" ] || [ "$cipher" != aes128-ctr ] || label="$cipher (default MAC)"
	for s in $SERVERS; do
		start "$s" || continue
		for dir in up down; do
			best=
			k=0
			while [ $k -lt 3 ]; do
				t0=$(now_ns)
				if [ $dir = up ]; then
					head -c "${MB}M" /dev/zero |
						ssh_run -c "$cipher" ${mac:+-m "$mac"} -- \
						'cat > /dev/null' >/dev/null 2>&1
				else
					ssh_run -c "$cipher" ${mac:+-m "$mac"} -- \
						"head -c ${MB}M /dev/zero" >/dev/null 2>&1
				fi
				t1=$(now_ns)
				ms=$(((t1 - t0) / 1000000))
				[ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
				k=$((k + 1))
			done
			awk -v mb="$MB" -v ms="$best" 'BEGIN { printf "%.0f\n", mb * 1000 / ms }' \
				> "$T/$dir-$cipher-$mac.$s"
		done
		stop_sshd
	done
	row "up   $label" MB/s "up-$cipher-$mac"
	row "down $label" MB/s "down-$cipher-$mac"
done

for s in $SERVERS; do
	start "$s" || continue
	ssh_run -- 'sleep 3' >/dev/null 2>&1 &
	bg=$!
	sleep 1.5
	rss_kb "$SSHD_PID" > "$T/rss.$s"
	wait "$bg"
	stop_sshd
done
row "rss, one open session" KiB rss
