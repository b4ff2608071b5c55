/* The net child (DESIGN §1-2): the unprivileged, confined half of one connection.  It
 * owns the TCP socket for the whole connection and speaks SSH: version exchange, the
 * packet layer, key exchange, user authentication (decided by the monitor), channels.
 * One event loop (poll) over the socket, the monitor's socket and the sessions' fds;
 * every message received and sent passes the MPL codecs and the SPL automata (conn.h).
 * Timers (LoginGraceTime, RekeyLimit's time, ClientAliveInterval) are checked from the
 * loop; no signal handler does anything but set a flag. */
#ifndef MSSHD_NETCHILD_H
#define MSSHD_NETCHILD_H

#include "sshd/privsep.h"

/* privsep_params.net_prepare: runs before confinement (reads the moduli file for
 * diffie-hellman-group-exchange, sets TCP_NODELAY on the socket).  net->arg is the
 * connection's struct sshd_conn_ctx. */
int netchild_prepare(struct privsep_net *net);

/* privsep_params.net_main: serves the connection; returns the exit status (0 after a
 * clean end, 255 after a fatal error, as OpenSSH). */
int netchild_main(struct privsep_net *net);

#endif
