# Shared by the interop scripts (sourced; POSIX sh).  A script calls
#   interop_init SSHD RAWCLIENT        temp dir, counters, clean-up on exit
#   interop_user                       TUSER and a fresh ed25519 key KEY for it
#   hostkey TYPE [BITS]                a host key file, echo its path
#   start_sshd [CONFIG-LINES...]       sshd -D -e on a free loopback port: PORT, SSHD_PID
#                                      (SSHD_CONF_TAIL: lines put last, e.g. Match blocks)
#   stop_sshd
#   ssh_run [SSH-OPTIONS...] -- CMD    the stock client, bounded in time
#   auth_setup                         interop_user, wrong keys w1..w3, a publickey-only sshd
#   refused NAME TEXT [SSH-OPTIONS...] the client is refused with TEXT on its stderr
#   pass NAME / fail NAME [DETAIL]     count one check
#   finish                             print the counts run-checks.sh reads, exit
# Loopback only; every wait is bounded; only PIDs started here are ever signalled.

interop_init() {
	SSHD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
	RAWCLIENT=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	npass=0
	nfail=0
	SSHD_PID=
	BG_PIDS=
	T=$(mktemp -d /tmp/msshd-interop.XXXXXX) || exit 1
	# the test user (as root) must reach its key under T
	chmod 755 "$T"
	trap 'interop_cleanup' EXIT
	trap 'exit 1' INT TERM HUP
	SSH_TIMEOUT=${SSH_TIMEOUT:-60}
}

interop_cleanup() {
	for p in $BG_PIDS; do
		kill "$p" 2>/dev/null
	done
	stop_sshd
	rm -rf "$T"
}

pass() {
	npass=$((npass + 1))
	echo "ok $1"
}

fail() {
	nfail=$((nfail + 1))
	echo "FAIL $1${2:+: $2}"
}

# Counted as cmocka prints them, so run-checks.sh adds them to the total.
finish() {
	echo "[  PASSED  ] $npass test(s)."
	if [ "$nfail" -ne 0 ]; then
		echo "[  FAILED  ] $nfail test(s)."
		if [ -n "${SSHD_LOG:-}" ] && [ -f "$SSHD_LOG" ]; then
			echo "---- last lines of sshd's log"
			tail -n 40 "$SSHD_LOG"
		fi
		exit 1
	fi
	exit 0
}

# The user the client logs in as, and its key.  As root: msshd-test, created when
# missing (home "/", so that concurrent runs never change it; its key comes from
# AuthorizedKeysFile under T).  Otherwise: ourselves.
interop_user() {
	if [ "$(id -u)" -eq 0 ]; then
		TUSER=msshd-test
		if ! getent passwd "$TUSER" >/dev/null; then
			useradd --no-create-home --home-dir / --shell /bin/sh "$TUSER" ||
				{ echo "FAIL: cannot create user $TUSER"; exit 1; }
		fi
		# a locked password ("!") would refuse every login, as OpenSSH does
		usermod -p '*' "$TUSER" 2>/dev/null
		if ! getent passwd sshd >/dev/null; then
			useradd --system --no-create-home --home-dir /run/sshd \
				--shell /usr/sbin/nologin sshd ||
				{ echo "FAIL: cannot create user sshd"; exit 1; }
		fi
	else
		TUSER=$(id -un)
	fi
	mkdir -p "$T/keys" && chmod 755 "$T/keys"
	KEY=$T/id_ed25519
	ssh-keygen -q -t ed25519 -N '' -C interop -f "$KEY" </dev/null ||
		{ echo "FAIL: ssh-keygen"; exit 1; }
	cp "$KEY.pub" "$T/keys/$TUSER"
	chmod 644 "$T/keys/$TUSER"
	PUB=$(cat "$KEY.pub")
}

# keys LINE...: the test user's authorized_keys becomes these lines (PUB is its key).
keys() {
	printf '%s\n' "$@" > "$T/keys/$TUSER"
}

# hostkey TYPE [BITS]: generate (once) and print the path.
hostkey() {
	f=$T/hk_$1${2:+_$2}
	if [ ! -f "$f" ]; then
		ssh-keygen -q -t "$1" ${2:+-b "$2"} -N '' -f "$f" </dev/null ||
			{ echo "FAIL: ssh-keygen -t $1" >&2; return 1; }
	fi
	echo "$f"
}

# start_sshd [CONFIG-LINES...]: a config of the lines given, then a host key (unless
# one is given), the test's AuthorizedKeysFile, no PidFile; then sshd -D -e on a free port.  The
# port is probed free first; if another process took it meanwhile, sshd cannot bind
# and we try another (5 times at most).
start_sshd() {
	stop_sshd
	n_start=$((${n_start:-0} + 1))
	SSHD_CONF=$T/sshd_config.$n_start
	SSHD_LOG=$T/sshd.log.$n_start
	for try in 1 2 3 4 5; do
		PORT=$("$RAWCLIENT" freeport) || return 1
		{
			# the caller's lines first: the first value of a keyword wins
			for l in "$@"; do echo "$l"; done
			echo "ListenAddress 127.0.0.1"
			echo "Port $PORT"
			echo "PidFile none"
			echo "AuthorizedKeysFile $T/keys/%u"
			# under /tmp a strict walk up the path would refuse the keys
			echo "StrictModes no"
			case "$*" in
			*HostKey\ *) ;;
			*) echo "HostKey $(hostkey ed25519)" ;;
			esac
			# Match blocks must come last: they run to the end of the file
			[ -z "${SSHD_CONF_TAIL:-}" ] || printf '%s\n' "$SSHD_CONF_TAIL"
		} > "$SSHD_CONF"
		: > "$SSHD_LOG"
		"$SSHD" -D -e -f "$SSHD_CONF" </dev/null 2>>"$SSHD_LOG" &
		SSHD_PID=$!
		i=0
		while [ $i -lt 100 ]; do	# 10 s
			if grep -q "Server listening on 127.0.0.1 port $PORT" "$SSHD_LOG"; then
				return 0
			fi
			kill -0 "$SSHD_PID" 2>/dev/null || break
			sleep 0.1
			i=$((i + 1))
		done
		stop_sshd
		grep -q "Cannot bind" "$SSHD_LOG" || break
	done
	echo "sshd did not start:"
	cat "$SSHD_LOG"
	return 1
}

stop_sshd() {
	[ -n "${SSHD_PID:-}" ] || return 0
	kill "$SSHD_PID" 2>/dev/null
	i=0
	while kill -0 "$SSHD_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$SSHD_PID" 2>/dev/null
	wait "$SSHD_PID" 2>/dev/null
	SSHD_PID=
}

# ssh_run [ssh options...] -- command...: the stock client against our sshd, as TUSER
# with KEY unless -i/-l say otherwise (paths without spaces; the client takes the first
# -l, so the caller's options come first), bounded by SSH_TIMEOUT.  stdin is /dev/null
# unless redirected by the caller.
ssh_run() {
	opts=
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		opts="$opts $1"
		shift
	done
	[ $# -gt 0 ] && shift
	case "$opts " in
	*" -i "*) idopt= ;;
	*) idopt="-i $KEY" ;;
	esac
	# shellcheck disable=SC2086
	timeout -k 5 "$SSH_TIMEOUT" ssh -F /dev/null -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentityAgent=none \
		-o IdentitiesOnly=yes -o ConnectTimeout=10 -o ServerAliveInterval=15 \
		-o ControlPath=none $opts $idopt -p "$PORT" -l "$TUSER" 127.0.0.1 "$@"
}

# expect_out NAME WANT CMD...: run CMD, its stdout must be WANT and its status 0.
expect_out() {
	name=$1
	want=$2
	shift 2
	got=$("$@" 2>"$T/err")
	rc=$?
	if [ $rc -eq 0 ] && [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "exit $rc, stdout '$got', stderr '$(head -c 300 "$T/err")'"
	fi
}

# Descendants of a PID (one `ps` listing of pid and ppid, walked breadth first).
descendants() {
	ps -e -o pid=,ppid= | awk -v root="$1" '
		{ kids[$2] = kids[$2] " " $1 }
		END { n = split(kids[root], q, " ");
		      for (i = 1; i <= n; i++) { print q[i]; m = split(kids[q[i]], more, " ");
			  for (j = 1; j <= m; j++) q[++n] = more[j] } }'
}

# auth_setup: TUSER and KEY (interop_user), three more keys $T/w1 $T/w2 $T/w3 that no
# account lists, and sshd offering public-key auth only with MaxAuthTries 2 and VERBOSE
# logs (the auth scripts count tries and read the log).
auth_setup() {
	interop_user
	for k in w1 w2 w3; do
		ssh-keygen -q -t ed25519 -N '' -f "$T/$k" </dev/null ||
			{ echo "FAIL: ssh-keygen"; exit 1; }
	done
	start_sshd "MaxAuthTries 2" "LogLevel VERBOSE" "PasswordAuthentication no" \
		"KbdInteractiveAuthentication no" || { fail "sshd starts"; finish; }
}

# refused NAME WANT-TEXT ssh-options...: `echo hi` through ssh_run exits 255 with no
# output and WANT-TEXT in the client's stderr (left in $T/err for the caller).
refused() {
	name=$1 want=$2
	shift 2
	out=$(ssh_run "$@" -- echo hi 2>"$T/err" </dev/null)
	rc=$?
	if [ $rc -eq 255 ] && [ -z "$out" ] && grep -q -- "$want" "$T/err"; then
		pass "$name"
	else
		fail "$name" "exit $rc, stdout '$out', stderr '$(cat "$T/err")'"
	fi
}
