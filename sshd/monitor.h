/* The session monitor (DESIGN §1): the privileged half of one connection.  It holds the
 * host private keys (loaded here, after the fork, from the HostKey files), answers the
 * net child's monitor.mpl requests in the order monitor.spl allows, re-validating each
 * (monitor_sign.c: hash-sized data, one signature per key exchange; mon_auth.h: the
 * user, the authorized keys, the signed blob), spawns the user's sessions and passes
 * their fds back (session_spawn.h), reaps them and sends SessionExit.
 *
 * An unknown, malformed or out-of-order request ends the connection (-EPROTO: privsep
 * then kills the net child at once) with a log line naming the request and the state. */
#ifndef MSSHD_MONITOR_H
#define MSSHD_MONITOR_H

#include "sshd/privsep.h"

/* privsep_params.monitor_loop: mon->arg is the connection's struct sshd_conn_ctx.
 * Returns 0 when the connection ended normally, or a negative errno. */
int monitor_loop(struct privsep_monitor *mon);

#endif
