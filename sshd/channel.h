/* The connection protocol (RFC 4254) in the net child: the channel table, session
 * channels and their fds (got from the monitor: mon_session), global requests, and the
 * data path of DESIGN §2: a session's output is read from its fd straight into the
 * payload of an outgoing CHANNEL_DATA / EXTENDED_DATA (conn_send_begin and
 * mpl_writer_string_room), within the peer's window and maximum packet size (C5);
 * CHANNEL_DATA from the peer is written to the session's stdin, the part that does not
 * fit now is kept (at most the window we granted) until the fd takes it.
 *
 * Each channel has its instance of the SPL channel automaton (C1-C7); channel numbers
 * name only channels in the table (C2).  Output waits while a key exchange runs
 * (c->kex_active). */
#ifndef MSSHD_CHANNEL_H
#define MSSHD_CHANNEL_H

#include <poll.h>
#include <stddef.h>

#include "sshd/conn.h"
#include "sshd/mon_client.h"

/* Our receive window and maximum packet (several MiB, so a fast link is not
 * window-bound). */
#define CHANNEL_WINDOW (8u << 20)
#define CHANNEL_MAX_PACKET (32u << 10)
#define CHANNEL_MAX_CHANNELS 64
/* Most fds channels_pollfds can ask for. */
#define CHANNEL_MAX_POLLFDS (3 * CHANNEL_MAX_CHANNELS)

struct channels;

int channels_new(struct channels **out, struct conn *c);
/* Closes every fd and releases; NULL is fine. */
void channels_free(struct channels *chs);

/* A conn_chan_lookup_fn (arg: struct channels *): the automaton of the channel a
 * message names, or, for CHANNEL_OPEN, the fresh automaton of the slot it would take
 * (with the table full, a spare automaton used only to send its OPEN_FAILURE); NULL
 * when the number is unknown, or when the table is full and every spare is still
 * waiting to send its refusal. */
struct ssh_policy_channel *channels_lookup(void *chs, const struct ssh_msg *m);

/* Global_* and Channel_* messages, accepted by SPL (ch: the channel's automaton, from
 * channels_lookup).  Returns 0 or a negative errno after conn_disconnect. */
int channels_handle(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch);

/* The event loop's part: the session fds to watch now (POLLIN when output may be sent:
 * window open, no key exchange, room in the send queue; POLLOUT when input is kept for
 * the fd).  Returns the count filled (at most cap). */
size_t channels_pollfds(struct channels *chs, struct pollfd *pfds, size_t cap);
/* After poll, with the same array: moves data both ways, sends EOF/CLOSE, exit-status
 * as things end.  Also called with n == 0 when only the send queue drained, and when a
 * key exchange ended (c->kex_active went false): replies, confirmations and window
 * adjusts that had to wait go out then.  Returns 0 or a negative errno after
 * conn_disconnect. */
int channels_io(struct conn *c, struct pollfd *pfds, size_t n);

/* The monitor reported a session's process ended: exit-status or exit-signal goes out
 * once its output is drained, then EOF and CLOSE. */
int channels_session_exit(struct conn *c, const struct mon_session_exit *ev);

#endif
