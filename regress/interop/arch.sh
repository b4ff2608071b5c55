#!/bin/sh
# The architecture of DESIGN §1, checked from outside while a session is open
# (`ssh ... sleep 5` in the background): the process holding the TCP connection is the
# confined net child — the unprivileged uid and /proc/PID/root the empty directory (as
# root), Seccomp 2 and NoNewPrivs 1, no host key file open — and its parent, the
# monitor, is the privileged one.  Only our own sshd's descendants are looked at.
# With ARCH_AS_USER=1 (run by root) the server is started as the test user instead:
# the same split must happen, minus chroot and uid change (net child, monitor and
# command all the user's; root "/"), and root checks it from outside.
# Usage: arch.sh SSHD RAWCLIENT
set -u
. "$(dirname "$0")/lib.sh"
interop_init "$1" "$2"
interop_user
HK=$(hostkey ed25519) || exit 1
AS_USER=
if [ -n "${ARCH_AS_USER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "skip: starting sshd as another user needs root"; finish; }
	AS_USER=$TUSER
	# its own copy (the build tree may be closed to it), its host key, started by exec
	# so that SSHD_PID is the server's
	cp "$SSHD" "$T/sshd" && chmod 755 "$T/sshd" && chown "$AS_USER" "$HK" ||
		{ fail "the server's files can be given to $AS_USER"; finish; }
	printf '#!/bin/sh\nexec setpriv --reuid=%s --regid=%s --init-groups %s "$@"\n' \
		"$(id -u "$AS_USER")" "$(id -g "$AS_USER")" "$T/sshd" > "$T/sshd-as-user"
	chmod 755 "$T/sshd-as-user"
	SSHD=$T/sshd-as-user
fi
start_sshd "HostKey $HK" || { fail "sshd starts"; finish; }

ssh_run -- sleep 5 </dev/null >/dev/null 2>"$T/sleep.err" &
BG_PIDS="$BG_PIDS $!"

# the inode of the server's end of the connection: local port PORT, ESTABLISHED (01)
hexport=$(printf '%04X' "$PORT")
conn_pids() {
	inodes=$(awk -v p=":$hexport" '$2 ~ p"$" && $4 == "01" { print $10 }' \
		/proc/net/tcp 2>/dev/null)
	[ -n "$inodes" ] || return 0
	for pid in $(descendants "$SSHD_PID"); do
		for fd in /proc/"$pid"/fd/*; do
			l=$(readlink "$fd" 2>/dev/null) || continue
			for ino in $inodes; do
				[ "$l" = "socket:[$ino]" ] && echo "$pid"
			done
		done
	done | sort -u
}
# wait (10 s at most) until the session's command runs: the user is in
i=0
net=
while [ $i -lt 100 ]; do
	if descendants "$SSHD_PID" | while read -r p; do
		cat /proc/"$p"/cmdline 2>/dev/null | tr '\0' ' '; echo; done |
	    grep -q '^sleep 5'; then
		net=$(conn_pids)
		break
	fi
	sleep 0.1
	i=$((i + 1))
done
if [ -z "$net" ]; then
	fail "a session is open and some process of ours holds its connection" \
		"$(cat "$T/sleep.err")"
	finish
fi
if [ "$(echo "$net" | wc -l)" -eq 1 ]; then
	pass "one process holds the TCP connection (the net child)"
else
	fail "one process holds the TCP connection (the net child)" "pids: $(echo $net)"
	net=$(echo "$net" | head -1)
fi
status=/proc/$net/status
mon=$(sed -n 's/^PPid:\t//p' "$status")

grep -q "^Seccomp:	2$" "$status" && pass "net child: Seccomp 2 (filter)" ||
	fail "net child: Seccomp 2 (filter)" "$(grep Seccomp "$status")"
grep -q "^NoNewPrivs:	1$" "$status" && pass "net child: NoNewPrivs 1" ||
	fail "net child: NoNewPrivs 1" "$(grep NoNewPrivs "$status")"
if ls -l /proc/"$net"/fd/ >"$T/fds" 2>&1; then
	if grep -q "$T/hk_" "$T/fds"; then
		fail "net child: no host key file open" "$(cat "$T/fds")"
	else
		pass "net child: no host key file open"
	fi
else
	fail "net child: its descriptors can be listed" "$(cat "$T/fds")"
fi
if [ "$(id -u)" -eq 0 ]; then
	# whom the net child runs as, and where its root is
	if [ -n "$AS_USER" ]; then
		nuser=$AS_USER want_root=/ muser=$AS_USER
	else
		nuser=sshd want_root=/run/sshd muser=root
	fi
	sshd_uid=$(id -u "$nuser")
	uids=$(sed -n 's/^Uid:\t//p' "$status" | tr '\t' ' ')
	[ "$uids" = "$sshd_uid $sshd_uid $sshd_uid $sshd_uid" ] &&
		pass "net child: every uid is $nuser's ($sshd_uid)" ||
		fail "net child: every uid is $nuser's ($sshd_uid)" "Uid: $uids"
	gids=$(sed -n 's/^Gid:\t//p' "$status" | tr '\t' ' ')
	sshd_gid=$(id -g "$nuser")
	[ "$gids" = "$sshd_gid $sshd_gid $sshd_gid $sshd_gid" ] &&
		pass "net child: every gid is $nuser's ($sshd_gid)" ||
		fail "net child: every gid is $nuser's ($sshd_gid)" "Gid: $gids"
	root=$(readlink /proc/"$net"/root)
	if [ "$root" = "$want_root" ] && { [ -n "$AS_USER" ] || [ -z "$(ls -A /run/sshd)" ]; }; then
		pass "net child: its root is $want_root${AS_USER:+ (no chroot without root)}"
	else
		fail "net child: its root is $want_root" "root '$root'; $(ls -A /run/sshd)"
	fi
	[ "$mon" != "$net" ] && [ "$mon" != "$SSHD_PID" ] &&
		pass "the net child's parent is a monitor of its own" ||
		fail "the net child's parent is a monitor of its own" "monitor $mon, listener $SSHD_PID"
	muid=$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' /proc/"$mon"/status)
	[ "$muid" = "$(id -u "$muser")" ] && pass "monitor (the net child's parent) runs as $muser" ||
		fail "monitor (the net child's parent) runs as $muser" "uid $muid"
	# the user's command is the monitor's, not the net child's, and runs as the user
	cmdpid=
	for p in $(descendants "$mon"); do
		if cat /proc/"$p"/cmdline 2>/dev/null | tr '\0' ' ' | grep -q '^sleep 5'; then
			cmdpid=$p
		fi
	done
	tuid=$(id -u "$TUSER")
	if [ -n "$cmdpid" ] && [ "$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' /proc/"$cmdpid"/status)" = "$tuid" ] &&
	    ! descendants "$net" | grep -qx "$cmdpid"; then
		pass "the command runs as $TUSER, spawned by the monitor"
	else
		fail "the command runs as $TUSER, spawned by the monitor" "pid '$cmdpid'"
	fi
else
	echo "skip: uid, chroot and monitor checks need root"
fi
# the background ssh only: a bare `wait` would wait for sshd itself
for p in $BG_PIDS; do wait "$p" 2>/dev/null; done
finish
