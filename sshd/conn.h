/* The net child's per-connection context (the one mutable state of the process) and
 * the two gates every SSH message passes (DESIGN §2):
 *
 *   receive: packet_next -> conn_recv: classify and unpack with the generated codec
 *            (zero-copy views into the packet) -> the SPL statecall of that message
 *            (refused: DISCONNECT PROTOCOL_ERROR) -> the caller's handler;
 *   send:    conn_send / conn_send_begin+commit: the payload is packed by the
 *            generated codec straight into the send queue -> the SPL statecall of the
 *            transmit (refused: our own bug, the connection ends) -> seal and queue.
 *
 * Channel messages step the per-channel automaton of their channel as well: the caller
 * passes it (channel.h finds it from the recipient channel number). */
#ifndef MSSHD_CONN_H
#define MSSHD_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpl/rt/mpl_rt.h"
#include "sshd/conn_ctx.h"
#include "sshd/log.h"
#include "sshd/packet.h"
#include "ssh.h"		/* generated from sshd/proto/ssh.mpl */
#include "ssh_policy.h"		/* generated from sshd/proto/{transport,layers,auth,channel}.spl */

struct mon_client;
struct transport;
struct userauth;
struct channels;

#define CONN_SESSION_ID_MAX 64
#define CONN_USER_MAX 256
/* Replies held while our key exchange runs: the most messages and payload bytes (a
 * request is answered before the next is read, and the automata bound what is owed:
 * the banner, up to monitor.mpl's MAX_BANNER_LEN of 192 KiB, and one answer, PK_OK the
 * largest, echoing a key blob of at most 4 KiB). */
#define CONN_HELD_MAX 8
#define CONN_HELD_BYTES ((192u + 16u) << 10)
/* How long a reply may wait for a full send queue to drain. */
#define CONN_REPLY_WAIT_MS 5000

/* A reply packed while a key exchange ran, sent once it ended. */
struct conn_held {
	enum ssh_msg_kind kind;
	struct ssh_policy_channel *ch;
	size_t off, len;			/* its payload in conn.held_buf */
};

struct conn {
	const struct sshd_conn_ctx *ctx;	/* config and addresses */
	struct sshd_config *cfg;		/* = ctx->cfg, this process's copy: what a
						   Match block may change is set from the
						   monitor's answer (net_settings.h) */
	struct log_ctx *log;			/* the net child's log (to the monitor);
						   its level follows LogLevel likewise */
	struct packet *pkt;
	struct ssh_policy policy;		/* the connection automata */
	struct ssh_msg_state mstate;		/* what classifies messages 30-34 and 60-79 */
	struct mon_client *mon;
	struct transport *tr;			/* sshd/transport.h */
	struct userauth *ua;			/* sshd/userauth.h */
	struct channels *chans;			/* sshd/channel.h */
	int sock_in, sock_out;			/* the connection (equal unless -i) */
	uint64_t now_ms;			/* monotonic clock, updated by the event loop */

	/* Set once and never changed (T6, A5). */
	uint8_t session_id[CONN_SESSION_ID_MAX];
	size_t session_id_len;			/* 0 until the first key exchange ends */
	uint8_t *first_hostkey;			/* the blob of the host key that signed the
						   first exchange (publickey-hostbound names
						   it); NULL until that exchange ends */
	size_t first_hostkey_len;
	bool authenticated;
	char user[CONN_USER_MAX + 1];

	bool kex_active;	/* between KEXINITs and the peer's NEWKEYS: only transport
				   messages may be sent (layers.spl); channel output waits */
	bool tx_kex;		/* our KEXINIT is out and our NEWKEYS not yet: conn_send
				   answers -ENOSPC for any non-transport message (T3), so
				   that a reply raced by our re-key is retried, not refused */
	bool ext_info_c;	/* the client takes EXT_INFO (ext-info-c, initial kex) */
	bool closing;		/* DISCONNECT sent or received: flush and end */
	int exit_status;	/* netchild_main's return once closing */
	bool out_not_socket;	/* sock_out is a pipe (-i): write(2) instead of send(2) */

	/* ClientAliveInterval (client_alive.h): when the client was last heard from or
	 * last asked, the intervals it has been silent since, our keepalives it has not
	 * answered yet. */
	uint64_t alive_since_ms;
	unsigned alive_missed;
	unsigned alive_awaited;

	/* conn_send_reply's messages waiting for the key exchange's end, in order. */
	struct conn_held held[CONN_HELD_MAX];
	unsigned n_held;
	uint8_t *held_buf;	/* CONN_HELD_BYTES, allocated on first use */
	size_t held_used;
};

/* Sets up c for one connection: packet layer (none cipher), SPL automata in their
 * initial states, clock.  The modules (mon, tr, ua, chans) are attached by the caller.
 * Returns 0, -ENOMEM. */
int conn_init(struct conn *c, const struct sshd_conn_ctx *ctx, struct log_ctx *log,
	      int sock_in, int sock_out, uint64_t now_ms);
/* Releases the packet layer (wiping keys); the modules are the caller's. */
void conn_fini(struct conn *c);

/* A received payload, classified, unpacked (views into the payload) and accepted by
 * SPL.  chan_lookup finds the per-channel automaton of a channel message (NULL: the
 * channel number is unknown, which is a protocol error); it is called only for messages
 * whose statecall belongs to a channel.  Returns 0 with *m filled and *ch set (NULL for
 * non-channel messages); -EBADMSG for a malformed message (the caller disconnects with
 * PROTOCOL_ERROR); -EPROTO when SPL refused it (logged with automaton, state and
 * statecall; the caller disconnects with PROTOCOL_ERROR); -ENOENT for an unknown
 * message number once SPL accepted Receive_Unknown (the caller answers UNIMPLEMENTED). */
typedef struct ssh_policy_channel *(*conn_chan_lookup_fn)(void *arg, const struct ssh_msg *m);
int conn_recv(struct conn *c, const struct packet_in *in, struct ssh_msg *m,
	      conn_chan_lookup_fn chan_lookup, void *chan_arg, struct ssh_policy_channel **ch);

/* Sends a whole message: packs m behind packet_begin, steps SPL with m's Transmit
 * statecall (and ch's automaton for a channel message), commits.  USERAUTH_SUCCESS
 * starts delayed compression (packet_enable_delayed_compression) right after it is
 * committed.  Returns 0; -ENOSPC when the send queue has no room now, or a message a
 * key exchange does not let through (anything but transport messages, and
 * SERVICE_ACCEPT) waits for our NEWKEYS (c->tx_kex) (nothing was sent, SPL did not
 * move: retry after the loop has written, or use conn_send_reply);
 * -EPROTO when our own policy refuses the message (a bug: logged,
 * the connection must end); another negative errno (fatal). */
int conn_send(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch);

/* The same in two steps, for payloads read in place (channel data read from a session
 * fd straight into the packet): begin hands out a writer at the payload with room for
 * min_payload bytes; the caller writes the whole payload with the generated codec (whose
 * string fields may point at mpl_writer_string_room, so nothing is copied), then commit
 * steps SPL with `kind`'s Transmit statecall (and ch) and seals.  Returns as conn_send;
 * on any failure of commit the packet is dropped. */
int conn_send_begin(struct conn *c, size_t min_payload, struct mpl_writer *w);
int conn_send_commit(struct conn *c, enum ssh_msg_kind kind, struct ssh_policy_channel *ch,
		     struct mpl_writer *w);
void conn_send_abort(struct conn *c);
/* The largest payload conn_send_begin could give right now (0: wait for the socket). */
size_t conn_send_room(const struct conn *c);

/* Steps an application statecall (ssh_policy.h's SSH_POLICY_Notify_* / Expect_*),
 * with ch for Expect_ChannelReply.  Returns 0 or -EPROTO (logged). */
int conn_notify(struct conn *c, unsigned app_statecall, struct ssh_policy_channel *ch);

/* The monotonic clock in milliseconds (c->now_ms's unit). */
uint64_t conn_clock_ms(void);

/* Writes what the socket takes now from the send queue, without waiting.  Returns the
 * bytes written (0: the socket is full or nothing was queued), -EPIPE when the peer is
 * gone, another negative errno. */
long conn_write_some(struct conn *c);

/* Writes the send queue out, waiting (poll) at most timeout_ms in all: for a message
 * that must go out now although the queue is full (a key exchange message behind
 * channel data), and for the last bytes before the connection ends.  Returns 0 when
 * the queue is empty, -ETIMEDOUT, or as conn_write_some. */
int conn_flush(struct conn *c, int timeout_ms);

/* conn_send, but when the queue is full it is first flushed (at most timeout_ms), once. */
int conn_send_now(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch,
		  int timeout_ms);

/* A one-shot reply (USERAUTH_*, SERVICE_ACCEPT): sent now (a full queue flushed first,
 * CONN_REPLY_WAIT_MS at most), or, while a key exchange runs (c->kex_active or
 * c->tx_kex: T3 allows only transport messages, and transport.spl's re-key nothing but
 * the peer's NEWKEYS after ours), packed now and held until conn_send_held, so that a
 * reply raced by a re-key waits instead of ending the connection.  SPL steps the
 * message when it actually goes out.  Returns 0, -ENOSPC (more held than
 * CONN_HELD_MAX / CONN_HELD_BYTES: fatal), or as conn_send_now. */
int conn_send_reply(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch);
/* Sends the held replies in order; the transport calls it when the exchange has ended
 * (the peer's NEWKEYS came in).  Returns 0 (also when there are none, or the exchange
 * still runs) or as conn_send_now (fatal). */
int conn_send_held(struct conn *c);

/* Ends the connection from our side: logs the cause ("Disconnecting ...: <cause>" at
 * INFO, as OpenSSH), sends DISCONNECT with reason and the cause as description (when
 * the transport allows one and the queue has room), and sets closing.  Returns err
 * (pass the negative errno that led here) so that callers can `return
 * conn_disconnect(...)`. */
int conn_disconnect(struct conn *c, int err, enum ssh_disconnect_reason reason,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
