#!/bin/sh
# `make demo`: install what is missing, build, and run msshd in the foreground on
# 127.0.0.1:2222, letting in your own SSH keys.  Everything it makes lives in ./demo/
# (git ignores it): a host key, sshd_config, authorized_keys, known_hosts, and a key pair
# for the demo when you have none.  As root it also creates what the privilege-separated
# net child needs: the unprivileged user `sshd` and the empty directory /run/sshd.
#
# Environment (for tests): DEMO_DIR (default ./demo), DEMO_PORT (default 2222),
# SSHD (a built binary: skips installing and building).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
demo=${DEMO_DIR:-$top/demo}
port=${DEMO_PORT:-2222}
me=$(id -un)

if [ -z "${SSHD:-}" ]; then
	contrib/install-deps.sh
	${MAKE:-make} --no-print-directory -j2 build/sshd/sshd
	SSHD=$top/build/sshd/sshd
fi

mkdir -p "$demo"
chmod 700 "$demo"
demo=$(cd "$demo" && pwd)

if [ ! -f "$demo/ssh_host_ed25519_key" ]; then
	ssh-keygen -q -t ed25519 -N '' -C "msshd demo host key" \
		-f "$demo/ssh_host_ed25519_key" </dev/null
fi

# Your public keys, and a demo key pair if you have none.
home=${HOME:-$(getent passwd "$me" | cut -d: -f6)}
: > "$demo/authorized_keys.new"
for pub in "$home"/.ssh/id_*.pub; do
	if [ -f "$pub" ] && [ -f "${pub%.pub}" ]; then
		cat "$pub" >> "$demo/authorized_keys.new"
	fi
done
identity=
if [ ! -s "$demo/authorized_keys.new" ]; then
	if [ ! -f "$demo/id_ed25519" ]; then
		ssh-keygen -q -t ed25519 -N '' -C "msshd demo key for $me" \
			-f "$demo/id_ed25519" </dev/null
	fi
	cat "$demo/id_ed25519.pub" >> "$demo/authorized_keys.new"
	identity=" -i $demo/id_ed25519"
fi
chmod 600 "$demo/authorized_keys.new"
mv "$demo/authorized_keys.new" "$demo/authorized_keys"

# The client trusts the demo host key through its own known_hosts file, so that yours
# is left alone.
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$demo/ssh_host_ed25519_key.pub")" \
	> "$demo/known_hosts"

# StrictModes refuses an authorized_keys file below a directory others may write to
# (a checkout under /tmp, say); then the demo says so and turns it off.
strict=yes
d=$demo
while [ "$d" != / ]; do
	d=$(dirname "$d")
	set -- $(stat -c '%a %u' "$d")
	case "$1" in
	*[2367]? | *[2367]) strict=no ;;
	esac
	[ "$2" -eq 0 ] || [ "$2" -eq "$(id -u)" ] || strict=no
done
if [ $strict = no ]; then
	echo "demo: $demo is below a directory others may write to: StrictModes no"
fi

cat > "$demo/sshd_config" <<EOF
# msshd demo configuration (written by contrib/demo.sh)
ListenAddress 127.0.0.1
Port $port
HostKey $demo/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile .ssh/authorized_keys $demo/authorized_keys
StrictModes $strict
EOF

if [ "$(id -u)" -eq 0 ]; then
	if ! getent passwd sshd >/dev/null; then
		echo "demo: creating the unprivileged user sshd for the net child"
		useradd --system --no-create-home --home-dir /run/sshd \
			--shell /usr/sbin/nologin sshd
	fi
	if [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd
		chmod 755 /run/sshd
	fi
fi

"$SSHD" -t -f "$demo/sshd_config"

cat <<EOF

msshd is starting in the foreground on 127.0.0.1:$port (Ctrl-C stops it).
Log in from another terminal with:

    ssh -o UserKnownHostsFile=$demo/known_hosts$identity -p $port $me@127.0.0.1

EOF
exec "$SSHD" -D -e -f "$demo/sshd_config"
