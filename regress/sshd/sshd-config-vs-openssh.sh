#!/bin/sh
# Side by side with OpenSSH's sshd (Debian 12, 9.2p1): for each config (and -C / -o),
# `sshd -T` of both must print the same lines, and `-t` must agree on accept/reject
# (with the same exit code). The reference must be present (openssh-server is pulled in
# by openssh-tests, see contrib/install-deps.sh); it needs /run/sshd and a readable key.
# Usage: sshd-config-vs-openssh.sh TOOL
set -u
OURS=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
REF=${OPENSSH_SSHD:-/usr/sbin/sshd}
if [ ! -x "$REF" ]; then
	echo "FAIL: reference $REF missing (apt-get install openssh-server)"
	exit 1
fi
[ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || {
	echo "FAIL: $REF -T needs /run/sshd (run as root once: mkdir /run/sshd)"; exit 1; }
D=$(mktemp -d /tmp/msshd-cfg-vs.XXXXXX)
trap 'rm -rf "$D"' EXIT
ssh-keygen -q -t ed25519 -N '' -f $D/hk >/dev/null || { echo "FAIL: ssh-keygen"; exit 1; }
HK="HostKey $D/hk"
cd $D
failures=0
checks=0

# compare NAME [sshd args...]: -T output identical
compare() {
	name=$1; shift
	"$REF" -T "$@" > ref.out 2> ref.err; rr=$?
	"$OURS" -T "$@" > our.out 2> our.err; ro=$?
	checks=$((checks + 1))
	if [ $rr -ne $ro ]; then
		echo "FAIL $name: exit $rr (OpenSSH) vs $ro (ours)"; cat ref.err our.err
		failures=$((failures + 1))
	elif ! diff ref.out our.out > diff.out; then
		echo "FAIL $name: -T differs (< OpenSSH, > ours)"; cat diff.out
		failures=$((failures + 1))
	fi
}
# check NAME CONFIG-LINES...: both accept or both reject (-t), same exit code
check() {
	name=$1; shift
	{ echo "$HK"; for l in "$@"; do echo "$l"; done; } > t.conf
	"$REF" -t -f t.conf > /dev/null 2>&1; rr=$?
	"$OURS" -t -f t.conf > /dev/null 2>&1; ro=$?
	checks=$((checks + 1))
	if [ $rr -ne $ro ]; then
		echo "FAIL -t $name: exit $rr (OpenSSH) vs $ro (ours)"
		failures=$((failures + 1))
	fi
}
conf() { f=$1; shift; { echo "$HK"; for l in "$@"; do echo "$l"; done; } > $f; }

conf min.conf
compare minimal -f min.conf
conf big.conf 'AcceptEnv A B' 'AcceptEnv C' 'Subsystem sftp /usr/lib/sftp -l  VERBOSE' \
    'ChannelTimeout session:*=5m' 'SetEnv A=1 B=23' \
    'AuthenticationMethods publickey,password publickey' 'LogVerbose kex.c:*' \
    'PermitUserEnvironment LANG,LC_*' 'AllowUsers a b' 'DenyGroups g' 'TrustedUserCAKeys ca' \
    'PermitOpen 1.2.3.4:22 [::1]:80' 'PermitListen 8080' 'IPQoS af11 cs1' 'MaxStartups 5' \
    'RekeyLimit 1G 1h' 'ClientAliveInterval 1h30m' 'VersionAddendum hello world # c' \
    'ForceCommand echo "a b" # c' 'AuthorizedKeysCommand /bin/x %u %k' \
    'AuthorizedKeysCommandUser nobody' 'StreamLocalBindMask 022' 'FingerprintHash md5' \
    'PubkeyAuthOptions touch-required verify-required' 'PerSourceMaxStartups 4' \
    'PerSourceNetBlockSize 24' 'UnusedConnectionTimeout 10' 'AuthorizedKeysFile ~/x %h/y' \
    'PidFile rel/pid' 'Banner ~/b' 'ChrootDirectory %h' 'Compression no' \
    'PermitTunnel point-to-point' 'IgnoreRhosts shosts-only' 'GatewayPorts clientspecified' \
    'AllowTcpForwarding local' 'LogLevel debug3' 'SyslogFacility local7' \
    'SecurityKeyProvider rel.so' 'Port 2222' 'Port 22' \
    'ListenAddress 127.0.0.1' 'ListenAddress ::1:99' 'ListenAddress [::1]:98' \
    'Ciphers +3des-cbc' 'MACs -hmac-sha1*' 'KexAlgorithms ^diffie-hellman-group14-sha1' \
    'HostKeyAlgorithms ssh-rsa*,ssh-ed25519*' 'PubkeyAcceptedKeyTypes *-cert-v01@openssh.com' \
    'CASignatureAlgorithms ^ssh-rsa' 'HostbasedAcceptedAlgorithms -*-cert-v01@openssh.com' \
    'GSSAPIKeyExchange yes' 'GSSAPIKexAlgorithms gss-group1-sha1-' 'DebianBanner no' \
    'X11Forwarding yes' 'X11DisplayOffset 12' 'MaxAuthTries 3' 'MaxSessions 2' \
    'LoginGraceTime 1m' 'RequiredRSASize 2048' 'PermitRootLogin forced-commands-only' \
    'UsePAM yes' 'StrictModes no' 'AddressFamily any' 'PrintMotd no' 'UseDNS yes' \
    'UsePrivilegeSeparation sandbox' 'Protocol 2' 'KeepAlive no' 'ExposeAuthInfo=yes'
compare big -f big.conf
cp our.out big.dump
compare reparse-of-big -f big.dump

# the regress suite's base config (test-exec.sh), daemon and proxy flavours
printf '\tStrictModes\t\tno\n\tPort\t\t\t4242\n\tAddressFamily\t\tinet\n\tListenAddress\t\t127.0.0.1\n\t#ListenAddress\t\t::1\n\tPidFile\t\t\t%s/pidfile\n\tAuthorizedKeysFile\t%s/authorized_keys_%%u\n\tLogLevel\t\tDEBUG3\n\tAcceptEnv\t\t_XXX_TEST_*\n\tAcceptEnv\t\t_XXX_TEST\n\tSubsystem\tsftp\t/usr/lib/openssh/sftp-server\n\tUsePAM\t\t\tyes\n%s\nStrictModes no\nHostKeyAlgorithms +ssh-rsa\nPubkeyAcceptedAlgorithms +ssh-rsa\n' \
    "$D" "$D" "$HK" > regress.conf
compare regress-config -f regress.conf

# -o wins over the file; rekeylimit forms; ipqos names
for o in "rekeylimit 1k 1h" "rekeylimit 8G 1W" "rekeylimit default none" \
    "rekeylimit 1.5K 1h30m" "IPQoS reliability" "IPQoS 0x05 none" "Port=2200" \
    "LogLevel QUIET" "Ciphers=aes128-ctr" "ForceCommand=internal-sftp -d /" \
    "ChrootDirectory=/var/run" "PermitListen 1.2.3.4:*" "Banner=none"; do
	compare "-o $o" -f regress.conf -o "$o"
done
compare "-p -4 -g" -f min.conf -p 2022 -p 2023 -4 -g 1h
compare "-d -d" -f min.conf -d -d
compare "-q" -f min.conf -q
compare "Port ssh" -f min.conf -o "Port ssh" -o "PermitOpen h:ssh"
compare "-h" -f min.conf -h $D/hk

# Match: addrmatch, servcfginclude, cfgmatch shapes
conf m.conf 'Banner /g' 'ForceCommand nomatch' \
    'Match Address 192.168.0.0/16,!192.168.30.0/24,10.0.0.0/8,host.example.com' \
    '	ForceCommand match1' 'Match Address 1.1.1.1,::1,!::3,2000::/16' \
    '	ForceCommand match2' 'Match LocalAddress 127.0.0.1,::1' '	ForceCommand match3' \
    'Match LocalPort 5678' '	ForceCommand match4' 'Match User u1,!root' '	Banner /u1' \
    '	AcceptEnv ONLY' '	PermitOpen none' '	RekeyLimit 1M 1m' \
    'Match Host *.example.com' '	Banner /host' '	PubkeyAcceptedAlgorithms +ssh-dss' \
    'Match Group root' '	X11Forwarding yes' 'Match RDomain rd*' '	MaxSessions 1' \
    'Match all' '	ClientAliveInterval 9'
for spec in "user=u,addr=192.168.0.1,host=h,laddr=1.2.3.4,lport=1" \
    "user=u,addr=192.168.30.1,host=h,laddr=1.2.3.4,lport=1" \
    "user=u1,addr=::3,host=a.example.com,laddr=::1,lport=5678" \
    "user=root,addr=2000::1,host=X.EXAMPLE.COM,laddr=::2,lport=22,rdomain=rd1" \
    "user=root,addr=1.1.1.1,host=h,laddr=9.9.9.9,lport=5678"; do
	compare "-C $spec" -f m.conf -C "$spec"
done
conf lp.conf 'Match User x' '	Banner /x'
compare "-T without -C" -f lp.conf
compare "-C user=x only" -f lp.conf -C user=x

mkdir -p inc
conf inc.conf 'Banner /top' "Include $D/inc/*.conf" 'Match host a' '	Banner /a'
printf 'Match host a\n\tBanner /inc-a\nMatch all\n\tMaxAuthTries 2\n' > inc/10.conf
printf 'Port 2299\n' > inc/05.conf
compare "include host=a" -f inc.conf -C host=a,user=u,addr=1.2.3.4
compare "include host=b" -f inc.conf -C host=b,user=u,addr=1.2.3.4

# Debian's own /etc/ssh/sshd_config (Include of sshd_config.d, default host keys)
if [ -r /etc/ssh/sshd_config ] && [ -r /etc/ssh/ssh_host_ed25519_key ]; then
	compare "/etc/ssh/sshd_config" -f /etc/ssh/sshd_config
fi

# accept / reject agreement
check ok-basic 'Port 22'
check junk 'Junk'
check junk-arg 'Junk yes'
check invalid-eq 'InvalidXXX=no'
check include-empty 'Include'
check include-missing 'Include /nonexistent/*.conf'
check bad-cidr 'Match Address 10.0.0.1/24'
check bad-cidr6 'Match LocalAddress 2000:aa:bb:01::/56'
check port0 'Port 0'
check port-big 'Port 65536'
check bad-cipher 'Ciphers rot13'
check bad-cipher-pat 'Ciphers aes*'
check bad-key 'PubkeyAcceptedAlgorithms foo*'
check quote 'Banner "/unterminated'
check not-in-match 'Match User x' 'Port 33'
check extra-args 'PermitRootLogin yes no'
check bad-flag 'PasswordAuthentication maybe'
check bad-time 'LoginGraceTime 1x'
check big-time 'LoginGraceTime 2147483648'
check bad-int 'MaxAuthTries -1'
check rekey-small 'RekeyLimit 15'
check rekey-huge 'RekeyLimit 8E'
check bad-match 'Match Foo bar'
check match-noarg 'Match User'
check match-all-extra 'Match all User x'
check dup-subsystem 'Subsystem a /a' 'Subsystem a /b'
check setenv-bad 'SetEnv NOEQUALS'
check acceptenv-bad 'AcceptEnv A=B'
check authmethods-bad 'AuthenticationMethods publickey,foo'
check any-not-alone 'AuthenticationMethods any publickey'
check rdomain 'RDomain r1'
check listen-rdomain 'ListenAddress 1.2.3.4 rdomain x'
check maxstartups-bad 'MaxStartups 10:0:100'
check tunnel-case 'PermitTunnel YES'
check pubkeyopts-bad 'PubkeyAuthOptions none junk'
check permitopen-bad 'PermitOpen host'
check ipqos-bad 'IPQoS af99'
check channeltimeout-bad 'ChannelTimeout session'
check deprecated 'UseLogin yes' 'RhostsRSAAuthentication no'
check unsupported 'KerberosGetAFSToken yes'
check keyword-eq 'Port = 22' 'PasswordAuthentication= no' 'MaxAuthTries =3'
check comment-after 'Port 22 # comment' 'Banner none #c'

if [ $failures -eq 0 ]; then echo "ok sshd-config-vs-openssh: $checks comparisons with OpenSSH"; else echo "sshd-config-vs-openssh: $checks comparisons, $failures failed"; fi
[ $failures -eq 0 ]
