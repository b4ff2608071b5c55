#!/bin/sh
# arch.sh with the server started by the test user instead of root: the same split into
# monitor and confined net child, minus chroot and uid change.
# Usage: arch-user.sh SSHD RAWCLIENT
ARCH_AS_USER=1 exec sh "$(dirname "$0")/arch.sh" "$@"
