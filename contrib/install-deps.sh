#!/bin/sh
# Install, only where missing, the Debian packages that msshd's build and tests need.
# Quiet when everything is present; exits non-zero with a clear message when something
# is missing and we are not root (we never call sudo on the user's behalf).
set -eu

PKGS="build-essential pkg-config libsodium-dev libssl-dev zlib1g-dev libseccomp-dev
libcmocka-dev libpam0g-dev spin graphviz openssh-client openssh-sftp-server openssh-tests clang
libclang-rt-14-dev"

missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *" installed") ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing Debian packages:$missing" >&2
    echo "install-deps: run as root:  apt-get install$missing" >&2
    exit 1
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
