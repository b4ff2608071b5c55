/* The start-up check of the HostKey files (sshd -t, -T, the listener and -i): each file
 * is loaded and dropped again, with OpenSSH's messages, so that a server that could not
 * sign anything refuses to start ("sshd: no hostkeys available -- exiting.") instead of
 * failing every connection.  The keys themselves are loaded again by each connection's
 * monitor, after the fork: no long-lived process keeps them. */
#ifndef MSSHD_HOSTKEYS_CHECK_H
#define MSSHD_HOSTKEYS_CHECK_H

#include "sshd/config.h"
#include "sshd/log.h"

/* Loads every HostKey of the finished configuration, logging why each one that cannot be
 * used is skipped (as OpenSSH: 'Unable to load host key "FILE": REASON', then 'Unable to
 * load host key: FILE').  Returns the number of keys that loaded (0: none). */
int hostkeys_check(const struct sshd_config *cfg, const struct log_ctx *lg);

#endif
