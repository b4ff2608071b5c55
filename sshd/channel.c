/* The connection protocol of the net child (channel.h): the channel table, windows,
 * the data path between session fds and CHANNEL_DATA, global requests.
 *
 * Every message goes out through conn.h, so the SPL automata see it; what cannot go
 * out now (a key exchange runs, or the send queue is full) is remembered per channel
 * as pending control (open answer, owed replies, WINDOW_ADJUST, EOF/CLOSE/exit) and
 * sent, in that order, by flush() the next time anything happens.  A channel's data
 * waits while any of its control is pending, so that a reply never overtakes output
 * or the other way round. */
#include "sshd/channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshd/client_alive.h"
#include "sshd/session.h"

/* RFC 4254 §5.1 reason codes, §5.2 data type. */
#define SSH_OPEN_ADMINISTRATIVELY_PROHIBITED 1
#define SSH_OPEN_CONNECT_FAILED 2
#define SSH_OPEN_RESOURCE_SHORTAGE 4
#define SSH_EXTENDED_DATA_STDERR 1

/* Payload bytes in front of the data of CHANNEL_DATA (byte, recipient, string length)
 * and of CHANNEL_EXTENDED_DATA (+ data type). */
#define DATA_HEADER 9u
#define EXT_DATA_HEADER 13u
/* The most data one packet can carry whatever the cipher: the peer's maximum packet
 * is clamped to it. */
#define MAX_DATA_PER_PACKET (PACKET_MAX_PAYLOAD - EXT_DATA_HEADER)
/* channel.spl bounds the replies owed per channel and globally at 3. */
#define MAX_OWED 4
/* Refusals of opens that found the table full, waiting to be sent. */
#define SPARE_AUTOMATA 4
/* First allocation of a channel's stdin buffer (it grows up to the window). */
#define INBUF_INITIAL (64u << 10)
/* Reads of one fd per wakeup, so one busy session cannot starve the others. */
#define READS_PER_WAKEUP 16

enum slot_state {
	SLOT_FREE = 0,
	SLOT_OPEN,		/* confirmed, or its confirmation pending */
	SLOT_REFUSING,		/* OPEN_FAILURE pending; free once sent */
};

/* Replies owed, in the order the requests came (C6). */
struct reply_queue {
	bool ok[MAX_OWED];
	unsigned head, n;
};

struct channel {
	enum slot_state state;
	uint32_t self;			/* our channel number: the slot's index */
	uint32_t peer_id;		/* the peer's channel number */
	struct ssh_policy_channel pol;

	bool confirm_pending;
	uint32_t refuse_reason;		/* SLOT_REFUSING */
	struct reply_queue replies;

	/* What the peer lets us send (C5). */
	uint32_t peer_window;
	uint32_t peer_max_packet;
	/* What we let the peer send: our_window + kept + unacked == CHANNEL_WINDOW. */
	uint32_t our_window;
	uint32_t unacked;		/* written to the fd or dropped since the last adjust */

	struct session sess;
	int fd_in, fd_out, fd_err;	/* -1 when closed or not started */
	bool in_is_socket;
	uint8_t *inbuf;			/* client data the fd has not taken yet */
	size_t in_off, in_len, in_cap;

	bool rx_eof, rx_close;		/* what the peer sent */
	bool eof_sent, close_sent, exit_sent;
	bool exited;			/* the monitor reported the process's end */
	bool close_told;		/* the monitor knows the channel closed */
	struct mon_session_exit exit;
};

struct spare {
	struct ssh_policy_channel pol;
	bool busy;			/* OPEN_FAILURE pending */
	uint32_t peer_id;
};

struct channels {
	struct conn *c;
	struct channel ch[CHANNEL_MAX_CHANNELS];
	struct spare spare[SPARE_AUTOMATA];
	struct reply_queue global_replies;
	bool no_more_sessions;
};

static void reply_push(struct reply_queue *q, bool ok)
{
	q->ok[(q->head + q->n) % MAX_OWED] = ok;
	q->n++;
}

static void reply_pop(struct reply_queue *q)
{
	q->head = (q->head + 1) % MAX_OWED;
	q->n--;
}

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* One of the channel's three fds ends.  With a pty, stdin and stdout are one fd, the
 * master: it is closed only when neither direction uses it any more. */
static void release_fd(struct channel *ch, int *fd)
{
	int *all[3] = { &ch->fd_in, &ch->fd_out, &ch->fd_err };
	for (int i = 0; i < 3; i++) {
		if (all[i] != fd && *all[i] == *fd && *fd >= 0) {
			*fd = -1;
			return;
		}
	}
	close_fd(fd);
}

/* Client data that can no longer reach the process is dropped, and counted as taken
 * so that the peer's window keeps opening. */
static void drop_input(struct channel *ch)
{
	ch->unacked += (uint32_t)ch->in_len;
	ch->in_len = ch->in_off = 0;
}

static void close_stdin(struct channel *ch)
{
	if (ch->fd_in >= 0 && ch->in_is_socket)
		(void)shutdown(ch->fd_in, SHUT_WR);
	release_fd(ch, &ch->fd_in);
	drop_input(ch);
}

static void slot_reset(struct channel *ch)
{
	release_fd(ch, &ch->fd_in);
	release_fd(ch, &ch->fd_out);
	release_fd(ch, &ch->fd_err);
	free(ch->inbuf);
	session_clear(&ch->sess);
	uint32_t self = ch->self;
	memset(ch, 0, sizeof(*ch));
	ch->self = self;
	ch->fd_in = ch->fd_out = ch->fd_err = -1;
}

int channels_new(struct channels **out, struct conn *c)
{
	struct channels *chs = calloc(1, sizeof(*chs));
	if (chs == NULL)
		return -ENOMEM;
	chs->c = c;
	for (uint32_t i = 0; i < CHANNEL_MAX_CHANNELS; i++) {
		chs->ch[i].self = i;
		chs->ch[i].fd_in = chs->ch[i].fd_out = chs->ch[i].fd_err = -1;
	}
	*out = chs;
	return 0;
}

void channels_free(struct channels *chs)
{
	if (chs == NULL)
		return;
	for (size_t i = 0; i < CHANNEL_MAX_CHANNELS; i++)
		slot_reset(&chs->ch[i]);
	free(chs);
}

static bool is_open_kind(enum ssh_msg_kind k)
{
	return k >= ssh_msg_Channel_Open_Session && k <= ssh_msg_Channel_Open_Unknown;
}

/* The recipient channel of a message that names one of ours. */
static bool recipient_of(const struct ssh_msg *m, uint32_t *id)
{
#define RECIPIENT(K)                                                                     \
	case ssh_msg_##K:                                                                \
		*id = m->u.K.recipient_channel;                                          \
		return true;
	switch (m->kind) {
	RECIPIENT(Channel_OpenConfirmation)
	RECIPIENT(Channel_OpenFailure)
	RECIPIENT(Channel_WindowAdjust)
	RECIPIENT(Channel_Data)
	RECIPIENT(Channel_ExtendedData)
	RECIPIENT(Channel_Eof)
	RECIPIENT(Channel_Close)
	RECIPIENT(Channel_Request_PtyReq)
	RECIPIENT(Channel_Request_X11Req)
	RECIPIENT(Channel_Request_Env)
	RECIPIENT(Channel_Request_Shell)
	RECIPIENT(Channel_Request_Exec)
	RECIPIENT(Channel_Request_Subsystem)
	RECIPIENT(Channel_Request_WindowChange)
	RECIPIENT(Channel_Request_XonXoff)
	RECIPIENT(Channel_Request_Signal)
	RECIPIENT(Channel_Request_ExitStatus)
	RECIPIENT(Channel_Request_ExitSignal)
	RECIPIENT(Channel_Request_Break)
	RECIPIENT(Channel_Request_AuthAgentReq)
	RECIPIENT(Channel_Request_Eow)
	RECIPIENT(Channel_Request_Unknown)
	RECIPIENT(Channel_Success)
	RECIPIENT(Channel_Failure)
	default:
		return false;
	}
#undef RECIPIENT
}

/* The fields every CHANNEL_OPEN variant starts with. */
static void open_params(const struct ssh_msg *m, uint32_t *sender, uint32_t *window,
			uint32_t *max_packet)
{
#define OPEN(K)                                                                          \
	case ssh_msg_##K:                                                                \
		*sender = m->u.K.sender_channel;                                         \
		*window = m->u.K.initial_window_size;                                    \
		*max_packet = m->u.K.maximum_packet_size;                                \
		return;
	switch (m->kind) {
	OPEN(Channel_Open_Session)
	OPEN(Channel_Open_DirectTcpip)
	OPEN(Channel_Open_ForwardedTcpip)
	OPEN(Channel_Open_X11)
	OPEN(Channel_Open_DirectStreamlocal)
	OPEN(Channel_Open_ForwardedStreamlocal)
	OPEN(Channel_Open_AuthAgent)
	OPEN(Channel_Open_Unknown)
	default:
		*sender = *window = *max_packet = 0;
		return;
	}
#undef OPEN
}

struct ssh_policy_channel *channels_lookup(void *arg, const struct ssh_msg *m)
{
	struct channels *chs = arg;
	if (is_open_kind(m->kind)) {
		for (size_t i = 0; i < CHANNEL_MAX_CHANNELS; i++) {
			if (chs->ch[i].state == SLOT_FREE) {
				ssh_policy_channel_init(&chs->ch[i].pol);
				return &chs->ch[i].pol;
			}
		}
		/* Table full: an automaton of its own only to refuse the open (C2). */
		for (size_t i = 0; i < SPARE_AUTOMATA; i++) {
			if (!chs->spare[i].busy) {
				ssh_policy_channel_init(&chs->spare[i].pol);
				return &chs->spare[i].pol;
			}
		}
		return NULL;
	}
	uint32_t id;
	if (!recipient_of(m, &id) || id >= CHANNEL_MAX_CHANNELS ||
	    chs->ch[id].state == SLOT_FREE)
		return NULL;
	return &chs->ch[id].pol;
}

static struct channel *slot_of(struct channels *chs, const struct ssh_policy_channel *pol)
{
	for (size_t i = 0; i < CHANNEL_MAX_CHANNELS; i++)
		if (&chs->ch[i].pol == pol)
			return &chs->ch[i];
	return NULL;
}

static struct spare *spare_of(struct channels *chs, const struct ssh_policy_channel *pol)
{
	for (size_t i = 0; i < SPARE_AUTOMATA; i++)
		if (&chs->spare[i].pol == pol)
			return &chs->spare[i];
	return NULL;
}

/* ---- sending control messages ---- */

/* 1 sent, 0 not now (key exchange or full queue: retry later), or a negative errno
 * after the connection was ended. */
static int try_send(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *pol)
{
	if (c->closing || c->kex_active)
		return 0;
	int rc = conn_send(c, m, pol);
	if (rc == -ENOSPC)
		return 0;
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "sending %s failed: %s", ssh_msg_kind_name(m->kind),
				       strerror(-rc));
	return 1;
}

static int send_open_failure(struct conn *c, struct ssh_policy_channel *pol,
			     uint32_t peer_id, uint32_t reason)
{
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Channel_OpenFailure);
	m.u.Channel_OpenFailure.recipient_channel = peer_id;
	m.u.Channel_OpenFailure.reason = reason;
	m.u.Channel_OpenFailure.description = mpl_bytes_str("open failed");
	m.u.Channel_OpenFailure.language = mpl_bytes_str("");
	return try_send(c, &m, pol);
}

static int send_simple(struct conn *c, struct channel *ch, enum ssh_msg_kind kind)
{
	struct ssh_msg m;
	ssh_msg_init(&m, kind);
	switch (kind) {
	case ssh_msg_Channel_Success:
		m.u.Channel_Success.recipient_channel = ch->peer_id;
		break;
	case ssh_msg_Channel_Failure:
		m.u.Channel_Failure.recipient_channel = ch->peer_id;
		break;
	case ssh_msg_Channel_Eof:
		m.u.Channel_Eof.recipient_channel = ch->peer_id;
		break;
	case ssh_msg_Channel_Close:
		m.u.Channel_Close.recipient_channel = ch->peer_id;
		break;
	default:
		return -EINVAL;
	}
	return try_send(c, &m, &ch->pol);
}

static int send_exit(struct conn *c, struct channel *ch)
{
	struct ssh_msg m;
	if (ch->exit.exited) {
		ssh_msg_init(&m, ssh_msg_Channel_Request_ExitStatus);
		m.u.Channel_Request_ExitStatus.recipient_channel = ch->peer_id;
		m.u.Channel_Request_ExitStatus.request = mpl_bytes_str("exit-status");
		m.u.Channel_Request_ExitStatus.want_reply = false;
		m.u.Channel_Request_ExitStatus.exit_status = ch->exit.exit_status;
	} else {
		ssh_msg_init(&m, ssh_msg_Channel_Request_ExitSignal);
		struct ssh_msg_Channel_Request_ExitSignal *x = &m.u.Channel_Request_ExitSignal;
		x->recipient_channel = ch->peer_id;
		x->request = mpl_bytes_str("exit-signal");
		x->want_reply = false;
		x->signal_name = (struct mpl_bytes){ (const uint8_t *)ch->exit.signal_name,
						     strnlen(ch->exit.signal_name,
							     sizeof(ch->exit.signal_name)) };
		x->core_dumped = ch->exit.core_dumped;
		x->error_message = mpl_bytes_str("");
		x->language = mpl_bytes_str("");
	}
	return try_send(c, &m, &ch->pol);
}

static void maybe_free(struct channel *ch)
{
	if (ch->state == SLOT_OPEN && ch->rx_close && ch->close_sent &&
	    ssh_policy_channel_done(&ch->pol))
		slot_reset(ch);
}

/* Sends what a channel owes, in order; stops at the first thing that cannot go now.
 * Returns 0 or a negative errno after the connection ended. */
static int flush_channel(struct conn *c, struct channel *ch)
{
	int rc;
	if (ch->state == SLOT_REFUSING) {
		rc = send_open_failure(c, &ch->pol, ch->peer_id, ch->refuse_reason);
		if (rc == 1 && ssh_policy_channel_done(&ch->pol))
			slot_reset(ch);
		return rc < 0 ? rc : 0;
	}
	if (ch->state != SLOT_OPEN)
		return 0;
	if (ch->confirm_pending) {
		struct ssh_msg m;
		ssh_msg_init(&m, ssh_msg_Channel_OpenConfirmation);
		m.u.Channel_OpenConfirmation.recipient_channel = ch->peer_id;
		m.u.Channel_OpenConfirmation.sender_channel = ch->self;
		m.u.Channel_OpenConfirmation.initial_window_size = CHANNEL_WINDOW;
		m.u.Channel_OpenConfirmation.maximum_packet_size = CHANNEL_MAX_PACKET;
		if ((rc = try_send(c, &m, &ch->pol)) <= 0)
			return rc;
		ch->confirm_pending = false;
	}
	if (ch->rx_close || ch->close_sent) {
		/* C6: a reply can no longer be sent after either CLOSE (channel.spl). */
		ch->replies.n = 0;
	}
	while (ch->replies.n > 0) {
		bool ok = ch->replies.ok[ch->replies.head];
		if ((rc = send_simple(c, ch, ok ? ssh_msg_Channel_Success
						: ssh_msg_Channel_Failure)) <= 0)
			return rc;
		reply_pop(&ch->replies);
	}
	if (ch->rx_close) {
		/* C3: the peer's CLOSE is answered by ours; nothing else goes out. */
		release_fd(ch, &ch->fd_out);
		release_fd(ch, &ch->fd_err);
		close_stdin(ch);
		if (ch->sess.started && !ch->exited && !ch->close_told) {
			/* the process runs on: the monitor closes its copy of a pty's
			 * master too, so the terminal hangs up (OpenSSH's
			 * session_close_by_channel) */
			ch->close_told = true;
			if ((rc = mon_session_close(c->mon, ch->sess.id)) < 0)
				return rc;
		}
		if (!ch->close_sent) {
			if ((rc = send_simple(c, ch, ssh_msg_Channel_Close)) <= 0)
				return rc;
			ch->close_sent = true;
		}
		maybe_free(ch);
		return 0;
	}
	if (ch->close_sent)
		return 0;
	if (!ch->rx_eof && ch->unacked >= CHANNEL_WINDOW / 2) {
		struct ssh_msg m;
		ssh_msg_init(&m, ssh_msg_Channel_WindowAdjust);
		m.u.Channel_WindowAdjust.recipient_channel = ch->peer_id;
		m.u.Channel_WindowAdjust.bytes_to_add = ch->unacked;
		if ((rc = try_send(c, &m, &ch->pol)) <= 0)
			return rc;
		ch->our_window += ch->unacked;
		ch->unacked = 0;
	}
	/* The end of a session, in OpenSSH's order: EOF as soon as stdout and stderr have
	 * both reached end of file (every byte read from them is already in a packet:
	 * data is read straight into CHANNEL_DATA), whether or not the process still runs
	 * (channels.c delays the EOF only while the stderr fd is open); then, once the
	 * monitor reported the process's end, exit-status (or exit-signal) and CLOSE
	 * (session.c sends the exit message, the channel closes once it is dead). */
	bool drained = ch->fd_out < 0 && ch->fd_err < 0;
	if (!ch->sess.started || !drained)
		return 0;
	if (!ch->eof_sent) {
		if ((rc = send_simple(c, ch, ssh_msg_Channel_Eof)) <= 0)
			return rc;
		ch->eof_sent = true;
	}
	if (!ch->exited)
		return 0;
	if (!ch->exit_sent) {
		if ((rc = send_exit(c, ch)) <= 0)
			return rc;
		ch->exit_sent = true;
	}
	if ((rc = send_simple(c, ch, ssh_msg_Channel_Close)) <= 0)
		return rc;
	ch->close_sent = true;
	close_stdin(ch);
	return 0;
}

/* Everything pending, globally and per channel. */
static int flush(struct conn *c, struct channels *chs)
{
	int rc;
	if (c->closing)
		return 0;
	while (chs->global_replies.n > 0) {
		struct ssh_msg m;
		bool ok = chs->global_replies.ok[chs->global_replies.head];
		ssh_msg_init(&m, ok ? ssh_msg_Global_RequestSuccess : ssh_msg_Global_RequestFailure);
		if (ok)
			m.u.Global_RequestSuccess.response_data = mpl_bytes_str("");
		if ((rc = try_send(c, &m, NULL)) <= 0)
			return rc;
		reply_pop(&chs->global_replies);
	}
	for (size_t i = 0; i < SPARE_AUTOMATA; i++) {
		struct spare *sp = &chs->spare[i];
		if (!sp->busy)
			continue;
		rc = send_open_failure(c, &sp->pol, sp->peer_id, SSH_OPEN_RESOURCE_SHORTAGE);
		if (rc <= 0)
			return rc;
		sp->busy = false;
	}
	for (size_t i = 0; i < CHANNEL_MAX_CHANNELS; i++)
		if ((rc = flush_channel(c, &chs->ch[i])) < 0)
			return rc;
	return 0;
}

/* ---- the data path ---- */

static bool control_pending(const struct channel *ch)
{
	return ch->confirm_pending || ch->replies.n > 0;
}

/* Whether output may be read from the session now (C4, C5, layers.spl). */
static bool may_send_data(const struct conn *c, const struct channel *ch, size_t header)
{
	return ch->state == SLOT_OPEN && !c->kex_active && !c->closing &&
	       !control_pending(ch) && !ch->eof_sent && !ch->close_sent && !ch->rx_close &&
	       ch->peer_window > 0 && ch->peer_max_packet > 0 &&
	       conn_send_room(c) > header;
}

/* Reads a session's stdout (or stderr, ext) straight into the payload of a
 * CHANNEL_DATA (EXTENDED_DATA) in the send queue.  The generated pack writes the
 * header around the data: packing the same message with empty data into a copy of
 * the writer shows where its data field will land, the read goes there, and the real
 * pack then finds the bytes in place (mpl_write_fixed does not copy them). */
static int pump_output(struct conn *c, struct channel *ch, int *fd, bool ext)
{
	const size_t header = ext ? EXT_DATA_HEADER : DATA_HEADER;
	const enum ssh_msg_kind kind = ext ? ssh_msg_Channel_ExtendedData : ssh_msg_Channel_Data;
	for (int round = 0; round < READS_PER_WAKEUP && *fd >= 0; round++) {
		if (!may_send_data(c, ch, header))
			return 0;
		struct mpl_writer w;
		int rc = conn_send_begin(c, header + 1, &w);
		if (rc == -ENOSPC)
			return 0;
		if (rc < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "packet layer: %s", strerror(-rc));
		struct ssh_msg m;
		ssh_msg_init(&m, kind);
		if (ext) {
			m.u.Channel_ExtendedData.recipient_channel = ch->peer_id;
			m.u.Channel_ExtendedData.data_type = SSH_EXTENDED_DATA_STDERR;
		} else {
			m.u.Channel_Data.recipient_channel = ch->peer_id;
		}
		struct mpl_writer probe = w;
		if (ssh_msg_pack(&probe, &m, NULL) < 0 || probe.pos >= probe.end) {
			conn_send_abort(c);
			return 0;
		}
		uint8_t *dst = probe.buf + probe.pos;
		size_t want = probe.end - probe.pos;
		want = min_u32((uint32_t)(want > UINT32_MAX ? UINT32_MAX : want),
			       min_u32(ch->peer_window, ch->peer_max_packet));
		ssize_t got = read(*fd, dst, want);
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			conn_send_abort(c);
			return 0;
		}
		if (got <= 0) {
			/* EOF, or an error that ends this stream the same way: a pty's master
			 * reads EIO once every slave fd is closed, which is its end of
			 * output (what was written before is read first). */
			conn_send_abort(c);
			release_fd(ch, fd);
			return 0;
		}
		if (ext)
			m.u.Channel_ExtendedData.data = (struct mpl_bytes){ dst, (size_t)got };
		else
			m.u.Channel_Data.data = (struct mpl_bytes){ dst, (size_t)got };
		if ((rc = ssh_msg_pack(&w, &m, NULL)) < 0 ||
		    (rc = conn_send_commit(c, kind, &ch->pol, &w)) < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "sending channel data failed: %s", strerror(-rc));
		ch->peer_window -= (uint32_t)got;
		if ((size_t)got < want)
			return 0;	/* the fd is empty for now */
	}
	return 0;
}

/* Writes to the session's stdin what it takes now.  Returns the count taken (counted
 * as consumed for the window), or -EPIPE when the process closed its stdin (or is
 * gone): the caller drops the data, and all the client sends from now on. */
static ssize_t write_stdin(struct channel *ch, const uint8_t *p, size_t n)
{
	ssize_t w;
	if (ch->in_is_socket)
		w = send(ch->fd_in, p, n, MSG_NOSIGNAL);
	else
		w = write(ch->fd_in, p, n);
	if (w >= 0) {
		ch->unacked += (uint32_t)w;
		return w;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -EPIPE;
}

static void drain_stdin(struct channel *ch)
{
	if (ch->fd_in >= 0 && ch->in_len > 0) {
		ssize_t w = write_stdin(ch, ch->inbuf + ch->in_off, ch->in_len);
		if (w < 0) {
			close_stdin(ch);
		} else {
			ch->in_off += (size_t)w;
			ch->in_len -= (size_t)w;
			if (ch->in_len == 0)
				ch->in_off = 0;
		}
	}
	if (ch->fd_in >= 0 && ch->in_len == 0 && ch->rx_eof)
		close_stdin(ch);
}

/* Keeps n bytes of client data for the fd.  The window bounds what can be kept. */
static int keep_input(struct channel *ch, const uint8_t *p, size_t n)
{
	if (ch->in_off + ch->in_len + n > ch->in_cap) {
		if (ch->in_len + n <= ch->in_cap) {
			memmove(ch->inbuf, ch->inbuf + ch->in_off, ch->in_len);
		} else {
			size_t cap = ch->in_cap ? ch->in_cap : INBUF_INITIAL;
			while (cap < ch->in_len + n)
				cap *= 2;
			if (cap > CHANNEL_WINDOW)
				cap = CHANNEL_WINDOW;
			if (ch->in_len + n > cap)
				return -ENOSPC;	/* cannot happen while the window holds */
			uint8_t *b = malloc(cap);
			if (b == NULL)
				return -ENOMEM;
			if (ch->in_len > 0)
				memcpy(b, ch->inbuf + ch->in_off, ch->in_len);
			free(ch->inbuf);
			ch->inbuf = b;
			ch->in_cap = cap;
		}
		ch->in_off = 0;
	}
	memcpy(ch->inbuf + ch->in_off + ch->in_len, p, n);
	ch->in_len += n;
	return 0;
}

static int input_data(struct conn *c, struct channel *ch, struct mpl_bytes data, bool ext)
{
	if (data.len > ch->our_window)
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "channel %u: %zu bytes of data with %u left in the window",
				       ch->self, data.len, ch->our_window);
	ch->our_window -= (uint32_t)data.len;
	if (ext || (ch->sess.started && ch->fd_in < 0) || ch->close_sent) {
		/* A session has no use for extended data from the client (OpenSSH drops
		 * it too), nor for data once its stdin is closed. */
		ch->unacked += (uint32_t)data.len;
		return 0;
	}
	/* Before the session starts the data is kept for it (within the window). */
	size_t taken = 0;
	if (ch->fd_in >= 0 && ch->in_len == 0) {
		ssize_t w = write_stdin(ch, data.ptr, data.len);
		if (w < 0) {
			ch->unacked += (uint32_t)data.len;
			close_stdin(ch);
			return 0;
		}
		taken = (size_t)w;
	}
	if (taken < data.len) {
		int rc = keep_input(ch, data.ptr + taken, data.len - taken);
		if (rc < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "channel %u: keeping input: %s", ch->self,
					       strerror(-rc));
	}
	return 0;
}

/* ---- received messages ---- */

static int handle_global(struct conn *c, struct channels *chs, const struct ssh_msg *m)
{
	bool want_reply, ok = false;
	switch (m->kind) {
	case ssh_msg_Global_Request_NoMoreSessions:
		want_reply = m->u.Global_Request_NoMoreSessions.want_reply;
		chs->no_more_sessions = true;
		ok = true;
		break;
	case ssh_msg_Global_Request_Keepalive:
		want_reply = m->u.Global_Request_Keepalive.want_reply;
		break;
	case ssh_msg_Global_Request_TcpipForward:
		want_reply = m->u.Global_Request_TcpipForward.want_reply;
		break;
	case ssh_msg_Global_Request_CancelTcpipForward:
		want_reply = m->u.Global_Request_CancelTcpipForward.want_reply;
		break;
	case ssh_msg_Global_Request_StreamlocalForward:
		want_reply = m->u.Global_Request_StreamlocalForward.want_reply;
		break;
	case ssh_msg_Global_Request_CancelStreamlocalForward:
		want_reply = m->u.Global_Request_CancelStreamlocalForward.want_reply;
		break;
	case ssh_msg_Global_Request_Hostkeys:
		want_reply = m->u.Global_Request_Hostkeys.want_reply;
		break;
	case ssh_msg_Global_Request_HostkeysProve:
		want_reply = m->u.Global_Request_HostkeysProve.want_reply;
		break;
	case ssh_msg_Global_Request_Unknown:
		want_reply = m->u.Global_Request_Unknown.want_reply;
		break;
	default:
		return 0;
	}
	log_msg(c->log, LOG_LEVEL_DEBUG1, "global request %s want_reply %d: %s",
		ssh_msg_kind_name(m->kind), want_reply, ok ? "granted" : "refused");
	if (!want_reply)
		return 0;
	int rc = conn_notify(c, SSH_POLICY_Expect_GlobalReply, NULL);
	if (rc < 0 || chs->global_replies.n >= MAX_OWED)
		return conn_disconnect(c, rc < 0 ? rc : -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "too many global requests awaiting a reply");
	reply_push(&chs->global_replies, ok);
	return 0;
}

/* A peer's host name for a log line (log_msg escapes what is not printable). */
static int open_text_len(struct mpl_bytes b)
{
	return b.len > 256 ? 256 : (int)b.len;
}

static int handle_open(struct conn *c, struct channels *chs, const struct ssh_msg *m,
		       struct ssh_policy_channel *pol)
{
	uint32_t sender, window, max_packet;
	open_params(m, &sender, &window, &max_packet);

	struct spare *sp = spare_of(chs, pol);
	if (sp != NULL) {
		log_msg(c->log, LOG_LEVEL_INFO, "channel open refused: all %d channels in use",
			CHANNEL_MAX_CHANNELS);
		sp->busy = true;
		sp->peer_id = sender;
		return 0;
	}
	struct channel *ch = slot_of(chs, pol);
	if (ch == NULL || ch->state != SLOT_FREE)
		return conn_disconnect(c, -EINVAL, SSH_DISCONNECT_BY_APPLICATION,
				       "channel table out of step");
	ch->peer_id = sender;
	if (m->kind != ssh_msg_Channel_Open_Session) {
		ch->state = SLOT_REFUSING;
		/* OpenSSH's serverloop.c: a refused local forward (direct-tcpip; forwarding
		 * is not offered yet) is ADMINISTRATIVELY_PROHIBITED; every other failure,
		 * a type it does not serve included (the server-to-client types, unknown
		 * ones), keeps its default CONNECT_FAILED.  Clients tell the user by the
		 * reason, so the same one is sent. */
		if (m->kind == ssh_msg_Channel_Open_DirectTcpip) {
			const struct ssh_msg_Channel_Open_DirectTcpip *d =
				&m->u.Channel_Open_DirectTcpip;
			ch->refuse_reason = SSH_OPEN_ADMINISTRATIVELY_PROHIBITED;
			log_msg(c->log, LOG_LEVEL_INFO, "refused local port forward: originator "
				"%.*s port %u, target %.*s port %u", open_text_len(d->originator_address),
				(const char *)d->originator_address.ptr, d->originator_port,
				open_text_len(d->host_to_connect), (const char *)d->host_to_connect.ptr,
				d->port_to_connect);
		} else {
			ch->refuse_reason = SSH_OPEN_CONNECT_FAILED;
			log_msg(c->log, LOG_LEVEL_VERBOSE, "refused channel open %s",
				ssh_msg_kind_name(m->kind));
		}
		return 0;
	}
	if (chs->no_more_sessions)
		return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "Possible attack: attempt to open a session after "
				       "additional sessions disabled");
	ch->state = SLOT_OPEN;
	ch->confirm_pending = true;
	ch->peer_window = window;
	ch->peer_max_packet = min_u32(max_packet, MAX_DATA_PER_PACKET);
	ch->our_window = CHANNEL_WINDOW;
	session_init(&ch->sess);
	log_msg(c->log, LOG_LEVEL_DEBUG1, "channel %u: session opened (peer %u, window %u, "
		"max packet %u)", ch->self, sender, window, max_packet);
	return 0;
}

static bool request_wants_reply(const struct ssh_msg *m)
{
	/* Every Channel_Request variant has recipient, request, want_reply in front. */
#define WANT(K)                                                                          \
	case ssh_msg_##K:                                                                \
		return m->u.K.want_reply;
	switch (m->kind) {
	WANT(Channel_Request_PtyReq)
	WANT(Channel_Request_X11Req)
	WANT(Channel_Request_Env)
	WANT(Channel_Request_Shell)
	WANT(Channel_Request_Exec)
	WANT(Channel_Request_Subsystem)
	WANT(Channel_Request_WindowChange)
	WANT(Channel_Request_XonXoff)
	WANT(Channel_Request_Signal)
	WANT(Channel_Request_ExitStatus)
	WANT(Channel_Request_ExitSignal)
	WANT(Channel_Request_Break)
	WANT(Channel_Request_AuthAgentReq)
	WANT(Channel_Request_Eow)
	WANT(Channel_Request_Unknown)
	default:
		return false;
	}
#undef WANT
}

static int set_nonblocking(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* fds[]: stdin, stdout, stderr; with a pty the master twice and -1 (session.h). */
static int attach_fds(struct conn *c, struct channel *ch, int fds[3])
{
	for (int i = 0; i < 3; i++) {
		int rc = fds[i] >= 0 ? set_nonblocking(fds[i]) : 0;
		if (rc < 0) {
			for (int j = 0; j < 3; j++)
				if (fds[j] >= 0 && (j == 0 || fds[j] != fds[0]))
					close(fds[j]);
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "session fds: %s", strerror(-rc));
		}
	}
	struct stat st;
	ch->in_is_socket = fstat(fds[0], &st) == 0 && S_ISSOCK(st.st_mode);
	ch->fd_in = fds[0];
	ch->fd_out = fds[1];
	ch->fd_err = fds[2];
	/* What the client sent before the start (and its EOF) goes to the process now. */
	drain_stdin(ch);
	return 0;
}

static int handle_request(struct conn *c, struct channel *ch, const struct ssh_msg *m)
{
	bool want_reply = request_wants_reply(m);
	int rc;
	/* channel.spl: the reply is owed from right after the request (C6). */
	if (want_reply && (rc = conn_notify(c, SSH_POLICY_Expect_ChannelReply, &ch->pol)) < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "channel %u: too many requests awaiting a reply", ch->self);
	int fds[3];
	int granted = session_request(&ch->sess, c, m, fds);
	if (granted < 0)
		return conn_disconnect(c, granted, SSH_DISCONNECT_BY_APPLICATION,
				       "channel %u: %s: monitor: %s", ch->self,
				       ssh_msg_kind_name(m->kind), strerror(-granted));
	if (fds[0] >= 0 && (rc = attach_fds(c, ch, fds)) < 0)
		return rc;
	log_msg(c->log, LOG_LEVEL_DEBUG1, "channel %u: %s %s", ch->self,
		ssh_msg_kind_name(m->kind), granted ? "granted" : "refused");
	if (want_reply) {
		if (ch->replies.n >= MAX_OWED)
			return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
					       "channel %u: too many requests awaiting a reply",
					       ch->self);
		reply_push(&ch->replies, granted == 1);
	}
	return 0;
}

int channels_handle(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *pol)
{
	struct channels *chs = c->chans;
	int rc = 0;
	if (chs == NULL)
		return conn_disconnect(c, -EINVAL, SSH_DISCONNECT_BY_APPLICATION,
				       "no channel table");
	if (m->kind >= ssh_msg_Global_Request_TcpipForward &&
	    m->kind <= ssh_msg_Global_Request_Unknown) {
		rc = handle_global(c, chs, m);
	} else if (is_open_kind(m->kind)) {
		rc = handle_open(c, chs, m, pol);
	} else if (m->kind == ssh_msg_Global_RequestSuccess ||
		   m->kind == ssh_msg_Global_RequestFailure) {
		/* the answer to one of our keepalives (channel.spl accepts it only while
		 * one is outstanding) */
		client_alive_answered(c);
	} else {
		struct channel *ch = slot_of(chs, pol);
		if (ch == NULL || ch->state != SLOT_OPEN)
			return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
					       "%s names no open channel",
					       ssh_msg_kind_name(m->kind));
		switch (m->kind) {
		case ssh_msg_Channel_WindowAdjust: {
			uint32_t add = m->u.Channel_WindowAdjust.bytes_to_add;
			if (add > UINT32_MAX - ch->peer_window)	/* C5 */
				return conn_disconnect(c, -EPROTO, SSH_DISCONNECT_PROTOCOL_ERROR,
						       "channel %u: window adjust %u past 2^32-1",
						       ch->self, add);
			ch->peer_window += add;
			break;
		}
		case ssh_msg_Channel_Data:
			rc = input_data(c, ch, m->u.Channel_Data.data, false);
			break;
		case ssh_msg_Channel_ExtendedData:
			rc = input_data(c, ch, m->u.Channel_ExtendedData.data, true);
			break;
		case ssh_msg_Channel_Eof:
			ch->rx_eof = true;
			drain_stdin(ch);
			break;
		case ssh_msg_Channel_Close:
			ch->rx_close = true;
			break;
		default:
			if (m->kind >= ssh_msg_Channel_Request_PtyReq &&
			    m->kind <= ssh_msg_Channel_Request_Unknown)
				rc = handle_request(c, ch, m);
			/* SUCCESS/FAILURE/OPEN_* naming an open channel: SPL refused them. */
			break;
		}
	}
	if (rc < 0)
		return rc;
	return flush(c, chs);
}

int channels_session_exit(struct conn *c, const struct mon_session_exit *ev)
{
	struct channels *chs = c->chans;
	if (chs == NULL)
		return 0;
	for (size_t i = 0; i < CHANNEL_MAX_CHANNELS; i++) {
		struct channel *ch = &chs->ch[i];
		if (ch->state == SLOT_OPEN && ch->sess.started && !ch->exited &&
		    ch->sess.id == ev->session_id) {
			ch->exited = true;
			ch->exit = *ev;
			ch->exit.signal_name[sizeof(ch->exit.signal_name) - 1] = '\0';
			log_msg(c->log, LOG_LEVEL_DEBUG1, "channel %u: session %u ended", ch->self,
				ev->session_id);
			return flush(c, chs);
		}
	}
	/* Its channel closed before the process ended: nobody to tell. */
	log_msg(c->log, LOG_LEVEL_DEBUG2, "exit of session %u without a channel",
		ev->session_id);
	return 0;
}

size_t channels_pollfds(struct channels *chs, struct pollfd *pfds, size_t cap)
{
	size_t n = 0;
	const struct conn *c = chs->c;
	for (size_t i = 0; i < CHANNEL_MAX_CHANNELS && n < cap; i++) {
		struct channel *ch = &chs->ch[i];
		if (ch->state != SLOT_OPEN)
			continue;
		if (ch->fd_out >= 0 && n < cap && may_send_data(c, ch, DATA_HEADER))
			pfds[n++] = (struct pollfd){ .fd = ch->fd_out, .events = POLLIN };
		if (ch->fd_err >= 0 && n < cap && may_send_data(c, ch, EXT_DATA_HEADER))
			pfds[n++] = (struct pollfd){ .fd = ch->fd_err, .events = POLLIN };
		if (ch->fd_in >= 0 && n < cap && ch->in_len > 0)
			pfds[n++] = (struct pollfd){ .fd = ch->fd_in, .events = POLLOUT };
	}
	return n;
}

int channels_io(struct conn *c, struct pollfd *pfds, size_t n)
{
	struct channels *chs = c->chans;
	if (chs == NULL)
		return 0;
	for (size_t k = 0; k < n; k++) {
		if (pfds[k].revents == 0 || pfds[k].fd < 0)
			continue;
		for (size_t i = 0; i < CHANNEL_MAX_CHANNELS; i++) {
			struct channel *ch = &chs->ch[i];
			if (ch->state != SLOT_OPEN)
				continue;
			int rc = 0;
			/* by the direction asked: a pty's master is both stdin (POLLOUT)
			 * and stdout (POLLIN), in two entries */
			bool out = (pfds[k].events & POLLOUT) != 0;
			if (!out && pfds[k].fd == ch->fd_out)
				rc = pump_output(c, ch, &ch->fd_out, false);
			else if (!out && pfds[k].fd == ch->fd_err)
				rc = pump_output(c, ch, &ch->fd_err, true);
			else if (out && pfds[k].fd == ch->fd_in)
				drain_stdin(ch);
			else
				continue;
			if (rc < 0)
				return rc;
			break;
		}
	}
	return flush(c, chs);
}
