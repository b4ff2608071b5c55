#!/bin/sh
# Replays, against our sshd_config_tool, the configuration checks that OpenSSH's regress
# suite makes of the server (cfgparse, servcfginclude, addrmatch, cfgmatch, rekey,
# reexec, connect-privsep), with the configs it writes (see OPENSSH-REGRESS.md).
# Usage: sshd-config-regress.sh TOOL
set -u
SSHD=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
OBJ=$(mktemp -d /tmp/msshd-cfg-regress.XXXXXX)
trap 'rm -rf "$OBJ"' EXIT
failures=0
checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { checks=$((checks + 1)); }

# --- the configs test-exec.sh writes (paths need not exist: -t/-T do not load keys here)
cat > $OBJ/sshd_config <<EOF
	StrictModes		no
	Port			4242
	AddressFamily		inet
	ListenAddress		127.0.0.1
	#ListenAddress		::1
	PidFile			$OBJ/pidfile
	AuthorizedKeysFile	$OBJ/authorized_keys_%u
	LogLevel		DEBUG3
	AcceptEnv		_XXX_TEST_*
	AcceptEnv		_XXX_TEST
	Subsystem	sftp	/usr/lib/openssh/sftp-server
	UsePAM			yes
EOF
cp $OBJ/sshd_config $OBJ/sshd_proxy
echo 'StrictModes no' >> $OBJ/sshd_proxy
echo "SecurityKeyProvider /usr/lib/openssh/regress/misc/sk-dummy/sk-dummy.so" >> $OBJ/sshd_config
echo "SecurityKeyProvider /usr/lib/openssh/regress/misc/sk-dummy/sk-dummy.so" >> $OBJ/sshd_proxy
for t in ssh-ed25519 sk-ssh-ed25519@openssh.com ecdsa-sha2-nistp256 ecdsa-sha2-nistp384 \
    ecdsa-sha2-nistp521 sk-ecdsa-sha2-nistp256@openssh.com ssh-dss ssh-rsa; do
	echo "HostKey $OBJ/host.$t" >> $OBJ/sshd_config
	echo "HostKey $OBJ/$t" >> $OBJ/sshd_proxy
done
echo "HostKeyAlgorithms +ssh-rsa" >> $OBJ/sshd_config
echo "PubkeyAcceptedAlgorithms +ssh-rsa" >> $OBJ/sshd_config

for f in sshd_config sshd_proxy; do
	$SSHD -t -f $OBJ/$f || fail "-t $f"
	ok
done

# --- cfgparse: -T output parses back to itself, listenaddress order
grep "HostKey " $OBJ/sshd_config > $OBJ/sshd_config_minimal
SSHD_KEYS=$(cat $OBJ/sshd_config_minimal)
for f in sshd_config_minimal sshd_config sshd_proxy; do
	($SSHD -T -f $OBJ/$f > $OBJ/out.1 && $SSHD -T -f $OBJ/out.1 > $OBJ/out.2 &&
	    diff $OBJ/out.1 $OBJ/out.2) || fail "reparse $f"
	ok
done
printf 'listenaddress 1.2.3.4:1234\nlistenaddress 1.2.3.4:5678\n' > $OBJ/la.0
printf 'listenaddress [::1]:1234\nlistenaddress [::1]:5678\n' >> $OBJ/la.0
printf '%s\naddressfamily any\nport 1234\nport 5678\nlistenaddress 1.2.3.4\nlistenaddress ::1\n' \
    "$SSHD_KEYS" > $OBJ/la.1
printf '%s\nlistenaddress 1.2.3.4\nport 1234\nport 5678\naddressfamily any\nlistenaddress ::1\n' \
    "$SSHD_KEYS" > $OBJ/la.2
for i in 1 2; do
	$SSHD -T -f $OBJ/la.$i | grep 'listenaddress ' > $OBJ/la.out
	diff $OBJ/la.0 $OBJ/la.out || fail "listenaddress order $i"
	ok
done

# --- servcfginclude
cat > $OBJ/i <<_EOF
HostKey $OBJ/host.ssh-ed25519
Match host a
	Banner /aa

Match host b
	Banner /bb
	Include $OBJ/i.* # comment

Match host c
	Include $OBJ/i.* # comment
	Banner /cc

Match host m
	Include $OBJ/i.*

Match Host d
	Banner /dd # comment

Match Host e
	Banner /ee
	Include $OBJ/i.*

Match Host f
	Include $OBJ/i.*
	Banner /ff

Match Host n
	Include $OBJ/i.*
_EOF
printf 'Match host xxxxxx\n' > $OBJ/i.0
for h in a b c d e f; do
	printf 'Match host %s\n\tBanner /%s%s%s\n\n' $h $h $h $h >> $OBJ/i.1
	printf 'Match host %s\n\tBanner /%s%s%s%s\n\n' $h $h $h $h $h >> $OBJ/i.2
done
printf 'Match all\n\tBanner /xxxx\n' >> $OBJ/i.2
trial() {
	$SSHD -f $OBJ/i -T -C "host=$1,user=test,addr=127.0.0.1" > $OBJ/i.out ||
	    { fail "include parse failed host=$1 ($3)"; return; }
	got=$(grep -i '^banner ' $OBJ/i.out | awk '{print $2}')
	[ "x$2" = "x$got" ] || fail "include host=$1: expected $2 got $got ($3)"
	ok
}
trial a /aa; trial b /bb; trial c /ccc; trial d /dd; trial e /ee; trial f /fff
trial m /xxxx; trial n /xxxx; trial x none
printf 'Banner xxxx\n\tJunk\n' > $OBJ/i.3
for h in a x; do
	$SSHD -f $OBJ/i -C "host=$h,user=test,addr=127.0.0.1" 2>/dev/null &&
	    fail "include allowed invalid config host=$h"
	$SSHD -f $OBJ/i -T -C "host=$h,user=test,addr=127.0.0.1" >/dev/null 2>&1
	[ $? -eq 255 ] || fail "-T with Junk in an Include must exit 255"
	ok
done
rm -f $OBJ/i.*
printf 'HostKey %s\nInclude %s\nBanner /aa\n' "$OBJ/host.ssh-ed25519" "$OBJ/i.*" > $OBJ/i
trial a /aa "missing include non-fatal"
printf 'Match host x\n' > $OBJ/i.x
trial a /aa "included file does not affect match state"
printf 'Include\n' > $OBJ/i.x
$SSHD -f $OBJ/i.x -T -C "host=x,user=test,addr=127.0.0.1" >/dev/null 2>&1 &&
    fail "empty Include accepted"
ok
printf 'Banner /xx\nHostKey %s\nInclude %s\nMatch host a\n\tBanner /aaaa\n' \
    "$OBJ/host.ssh-ed25519" "$OBJ/i.2" > $OBJ/i
printf 'Match host a\n\tBanner /aa\n' > $OBJ/i.2
trial a /aa "included file before match blocks"
printf 'Include %s\nPort 7722\n' "$OBJ/i.2" > $OBJ/i
printf 'HostKey %s\n' "$OBJ/host.ssh-ed25519" > $OBJ/i.2
port=$($SSHD -f $OBJ/i -T -C "host=x,user=test,addr=127.0.0.1" | awk '/^port /{print $2}')
[ "$port" = 7722 ] || fail "Port after included files: got $port"
ok

# --- addrmatch
cp $OBJ/sshd_proxy $OBJ/am
cat >> $OBJ/am <<EOD
ForceCommand nomatch
Match Address 192.168.0.0/16,!192.168.30.0/24,10.0.0.0/8,host.example.com
	ForceCommand match1
Match Address 1.1.1.1,::1,!::3,2000::/16
	ForceCommand match2
Match LocalAddress 127.0.0.1,::1
	ForceCommand match3
Match LocalPort 5678
	ForceCommand match4
EOD
run_trial() {
	result=$($SSHD -f $OBJ/am -T -C user=$1,addr=$2,host=$3,laddr=$4,lport=$5 |
	    awk '/^forcecommand/ {print $2}')
	[ "$result" = "$6" ] || fail "addrmatch '$7' expected $6 got $result"
	ok
}
run_trial user 192.168.0.1 somehost 1.2.3.4 1234 match1 "first entry"
run_trial user 192.168.30.1 somehost 1.2.3.4 1234 nomatch "negative match"
run_trial user 19.0.0.1 somehost 1.2.3.4 1234 nomatch "no match"
run_trial user 10.255.255.254 somehost 1.2.3.4 1234 match1 "list middle"
run_trial user 192.168.30.1 192.168.0.1 1.2.3.4 1234 nomatch "faked IP in hostname"
run_trial user 1.1.1.1 somehost.example.com 1.2.3.4 1234 match2 "bare IP4 address"
run_trial user 19.0.0.1 somehost 127.0.0.1 1234 match3 "localaddress"
run_trial user 19.0.0.1 somehost 1.2.3.4 5678 match4 "localport"
run_trial user ::1 somehost.example.com ::2 1234 match2 "bare IP6 address"
run_trial user ::2 somehost.example.com ::2 1234 nomatch "deny IPv6"
run_trial user ::3 somehost ::2 1234 nomatch "IP6 negated"
run_trial user ::4 somehost ::2 1234 nomatch "IP6 no match"
run_trial user 2000::1 somehost ::2 1234 match2 "IP6 network"
run_trial user 2001::1 somehost ::2 1234 nomatch "IP6 network"
run_trial user ::5 somehost ::1 1234 match3 "IP6 localaddress"
run_trial user ::5 somehost ::2 5678 match4 "IP6 localport"
for i in 10.0.1.0/8 10.0.0.1/24 2000:aa:bb:01::/56; do
	for a in address localaddress; do
		echo "Match $a $i" > $OBJ/bad
		$SSHD -f $OBJ/bad -t >/dev/null 2>&1 && fail "accepted invalid match $a $i"
		ok
	done
done

# --- cfgmatch: each criterion selects its block, the others not
cp $OBJ/sshd_proxy $OBJ/cm
echo 'Banner /nomatch' >> $OBJ/cm
params="user:user:u1 host:host:h1 address:addr:1.2.3.4 localaddress:laddr:5.6.7.8 rdomain:rdomain:rdom1"
for i in $params; do
	printf '\t    Match %s %s\n\t      Banner /%s\n' $(echo $i | cut -f1 -d:) \
	    $(echo $i | cut -f3 -d:) $(echo $i | cut -f3 -d:) >> $OBJ/cm
done
$SSHD -f $OBJ/cm -T > /dev/null || fail "cfgmatch config without spec"
ok
for i in $params; do
	tc=$(echo $i | cut -f2 -d:)
	spec=""
	for j in $params; do
		c=$(echo $j | cut -f2 -d:); v=$(echo $j | cut -f3 -d:)
		if [ "$c" = "$tc" ]; then spec="$c=$v,$spec"; else spec="$c=1$v,$spec"; fi
	done
	res=$($SSHD -f $OBJ/cm -T -C "$spec" | awk '$1=="banner"{print $2}')
	[ "$res" = "/$(echo $i | cut -f3 -d:)" ] || fail "cfgmatch $tc got $res"
	ok
done

# --- rekey: 81 rekeylimit parses through -o
for size in 16 1k 1K 1m 1M 1g 1G 4G 8G; do
	for time in 1 1m 1M 1h 1H 1d 1D 1w 1W; do
		case $size in
		16) bytes=16 ;; 1k|1K) bytes=1024 ;; 1m|1M) bytes=1048576 ;;
		1g|1G) bytes=1073741824 ;; 4G) bytes=4294967296 ;; 8G) bytes=8589934592 ;;
		esac
		case $time in
		1) seconds=1 ;; 1m|1M) seconds=60 ;; 1h|1H) seconds=3600 ;;
		1d|1D) seconds=86400 ;; 1w|1W) seconds=604800 ;;
		esac
		got=$($SSHD -T -o "rekeylimit $size $time" -f $OBJ/sshd_proxy | awk '/^rekeylimit/{print $2, $3}')
		[ "$got" = "$bytes $seconds" ] || fail "rekeylimit $size $time: got '$got'"
		ok
	done
done

# --- reexec / connect-privsep / misc syntax the suite writes
cp $OBJ/sshd_proxy $OBJ/bad
echo "InvalidXXX=no" >> $OBJ/bad
$SSHD -t -f $OBJ/bad 2>/dev/null; [ $? -eq 255 ] || fail "InvalidXXX=no accepted"
ok
for v in "UsePrivilegeSeparation yes" "UsePrivilegeSeparation sandbox" "Protocol 2" \
    "PubkeyAcceptedKeyTypes +ssh-dss" "Ciphers=aes128-ctr" "MACs=hmac-sha1" \
    "KexAlgorithms=diffie-hellman-group1-sha1,curve25519-sha256" "DenyUsers=nobody" \
    "ExposeAuthInfo=yes" "rekeylimit 256k" "PubkeyAcceptedAlgorithms ssh-rsa*,ssh-ed25519*" \
    "HostKeyAlgorithms *-cert-v01@openssh.com" "ChannelTimeout session:subsystem:sftp=1" \
    "	SetEnv PATH='/usr/bin:/bin'" "AuthorizedKeysCommand /bin/x %u %k %t %f" \
    "UnusedConnectionTimeout 2" "PermitListen 127.0.0.1:4243" "Ciphers=3des-cbc"; do
	cp $OBJ/sshd_proxy $OBJ/v
	echo "$v" >> $OBJ/v
	$SSHD -t -f $OBJ/v || fail "rejected: $v"
	ok
done

if [ $failures -eq 0 ]; then echo "ok sshd-config-regress: $checks checks"; else echo "sshd-config-regress: $checks checks, $failures failed"; fi
[ $failures -eq 0 ]
