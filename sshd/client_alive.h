/* ClientAliveInterval and ClientAliveCountMax (sshd_config(5)), as OpenSSH's server
 * loop applies them once the user is authenticated: when nothing has been received
 * from the client for ClientAliveInterval seconds, a GLOBAL_REQUEST
 * "keepalive@openssh.com" with want_reply goes out and the silent interval is counted;
 * once more than ClientAliveCountMax intervals have passed without a packet from the
 * client, the connection ends ("Timeout, client not responding from ...") without a
 * DISCONNECT, as OpenSSH's cleanup_exit.  ClientAliveCountMax 0 never ends it.
 *
 * Any packet accepted by the receive gate (conn_recv) resets the count and the
 * interval; the client's REQUEST_SUCCESS/FAILURE only settles one outstanding request
 * (channel.spl's `awaited` register, which accepts them only while one of ours is
 * outstanding and never before USERAUTH_SUCCESS).  During a key exchange (T3) the
 * request is not sent, but the interval still counts. */
#ifndef MSSHD_CLIENT_ALIVE_H
#define MSSHD_CLIENT_ALIVE_H

#include "sshd/conn.h"

/* channel.spl: `awaited (0..3)`: at most this many of our keepalives unanswered; past
 * it the interval is counted but nothing more is sent. */
#define CLIENT_ALIVE_MAX_AWAITED 3u

/* Called by the event loop with c->now_ms current: sends a keepalive when one is due,
 * lowers *next_ms (ms, < 0: none yet) to when the next is due.  Returns 0, or a
 * negative errno once the connection is closing (c->closing set: the client stopped
 * answering, or the request could not be sent). */
int client_alive_tick(struct conn *c, int *next_ms);

/* A packet from the client came through the receive gate: the client is alive. */
void client_alive_heard(struct conn *c);

/* Bytes came in from the client (maybe not yet a whole packet): the interval starts
 * again, as OpenSSH's on a readable socket, but the count stands. */
void client_alive_bytes_in(struct conn *c);

/* The client answered one of our keepalives (REQUEST_SUCCESS or REQUEST_FAILURE). */
void client_alive_answered(struct conn *c);

#endif
