/* The receive and send gates of the net child (conn.h). */
#include "sshd/conn.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ssh_policy.h"
#include "sshd/client_alive.h"

int conn_init(struct conn *c, const struct sshd_conn_ctx *ctx, struct log_ctx *log,
	      int sock_in, int sock_out, uint64_t now_ms)
{
	memset(c, 0, sizeof(*c));
	c->ctx = ctx;
	c->cfg = ctx != NULL ? ctx->cfg : NULL;
	c->log = log;
	c->sock_in = sock_in;
	c->sock_out = sock_out;
	c->now_ms = now_ms;
	c->alive_since_ms = now_ms;
	ssh_policy_init(&c->policy);
	int rc = packet_new(&c->pkt, 0, now_ms / 1000);
	return rc < 0 ? rc : 0;
}

void conn_fini(struct conn *c)
{
	packet_free(c->pkt);
	c->pkt = NULL;
	if (c->held_buf != NULL) {
		memset(c->held_buf, 0, CONN_HELD_BYTES);
		free(c->held_buf);
	}
	c->held_buf = NULL;
	c->n_held = 0;
	c->held_used = 0;
	free(c->first_hostkey);
	c->first_hostkey = NULL;
	c->first_hostkey_len = 0;
}

/* Logs a refusal by the automata: which one, in which state, what it refused. */
static void log_refusal(const struct conn *c, const char *dir, const struct spl_rejection *why)
{
	log_msg(c->log, LOG_LEVEL_ERROR, "protocol violation: %s %s refused by %s in state %s",
		dir, why->statecall ? why->statecall : "?",
		why->automaton ? why->automaton : "?", why->state ? why->state : "?");
}

static int step(struct conn *c, unsigned sc, struct ssh_policy_channel *ch, const char *dir)
{
	struct spl_rejection why = {0};
	if (ssh_policy_names_channel(sc) && ch == NULL)
		return -EINVAL;
	int rc = ssh_policy_step(&c->policy, ssh_policy_names_channel(sc) ? ch : NULL, sc, &why);
	if (rc == -EPROTO)
		log_refusal(c, dir, &why);
	return rc;
}

int conn_recv(struct conn *c, const struct packet_in *in, struct ssh_msg *m,
	      conn_chan_lookup_fn chan_lookup, void *chan_arg, struct ssh_policy_channel **ch)
{
	struct mpl_error err = {0};
	*ch = NULL;
	int rc = ssh_msg_unpack(in->payload, in->len, &c->mstate, m, &err);
	if (rc < 0) {
		log_msg(c->log, LOG_LEVEL_INFO, "malformed message %u (%s at byte %zu)",
			in->len > 0 ? in->payload[0] : 0u, err.field ? err.field : "payload",
			err.offset);
		return -EBADMSG;
	}
	unsigned sc = ssh_msg_receive_statecall(m->kind);
	if (ssh_policy_names_channel(sc)) {
		*ch = chan_lookup != NULL ? chan_lookup(chan_arg, m) : NULL;
		if (*ch == NULL) {
			log_msg(c->log, LOG_LEVEL_ERROR,
				"protocol violation: %s names no open channel",
				ssh_statecall_name(sc));
			return -EPROTO;
		}
	}
	rc = step(c, sc, *ch, "received");
	if (rc < 0)
		return rc;
	client_alive_heard(c);		/* any packet: the client is alive */
	return m->kind == ssh_msg_Unknown ? -ENOENT : 0;
}

int conn_send_begin(struct conn *c, size_t min_payload, struct mpl_writer *w)
{
	return packet_begin(c->pkt, min_payload, w);
}

void conn_send_abort(struct conn *c)
{
	packet_abort(c->pkt);
}

size_t conn_send_room(const struct conn *c)
{
	return packet_tx_room(c->pkt);
}

/* Transport messages (1-49) are the only ones a key exchange lets through, but for
 * SERVICE_REQUEST and SERVICE_ACCEPT (T3, RFC 4253 §7.1). */
static bool passes_kex(enum ssh_msg_kind kind)
{
	return strncmp(ssh_msg_kind_name(kind), "Transport_", 10) == 0 &&
	       kind != ssh_msg_Transport_ServiceAccept &&
	       kind != ssh_msg_Transport_ServiceRequest;
}

int conn_send_commit(struct conn *c, enum ssh_msg_kind kind, struct ssh_policy_channel *ch,
		     struct mpl_writer *w)
{
	size_t len;
	if (c->tx_kex && !passes_kex(kind)) {
		packet_abort(c->pkt);
		return -ENOSPC;
	}
	int rc = mpl_writer_finish(w, &len);
	if (rc < 0) {
		packet_abort(c->pkt);
		return rc;
	}
	rc = step(c, ssh_msg_transmit_statecall(kind), ch, "sending");
	if (rc < 0) {
		packet_abort(c->pkt);
		return rc;
	}
	rc = packet_commit(c->pkt, w, NULL);
	/* zlib@openssh.com starts with the packet after USERAUTH_SUCCESS, whenever that
	 * goes out (it may have been held through a key exchange). */
	if (rc == 0 && kind == ssh_msg_Auth_Success)
		rc = packet_enable_delayed_compression(c->pkt);
	return rc;
}

int conn_send(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch)
{
	struct mpl_writer w;
	struct mpl_error err = {0};
	if (c->tx_kex && !passes_kex(m->kind))
		return -ENOSPC;
	int rc = packet_begin(c->pkt, 1, &w);
	if (rc < 0)
		return rc;
	rc = ssh_msg_pack(&w, m, &err);
	if (rc < 0) {
		packet_abort(c->pkt);
		/* A message larger than the room now may still fit an empty queue. */
		if (rc == -ENOSPC && packet_tx_pending(c->pkt) == 0)
			return -EMSGSIZE;
		return rc;
	}
	return conn_send_commit(c, m->kind, ch, &w);
}

int conn_notify(struct conn *c, unsigned app_statecall, struct ssh_policy_channel *ch)
{
	return step(c, app_statecall, ch, "application");
}

int conn_disconnect(struct conn *c, int err, enum ssh_disconnect_reason reason,
		    const char *fmt, ...)
{
	char cause[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cause, sizeof(cause), fmt, ap);
	va_end(ap);
	if (c->closing)
		return err;
	c->closing = true;
	if (c->exit_status == 0)
		c->exit_status = 255;
	log_msg(c->log, LOG_LEVEL_INFO, "Disconnecting %s%s%s%s port %d: %s",
		c->authenticated ? "user " : "", c->authenticated ? c->user : "",
		c->authenticated ? " " : "", c->ctx != NULL ? c->ctx->peer_addr : "?",
		c->ctx != NULL ? c->ctx->peer_port : 0, cause);

	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Transport_Disconnect);
	m.u.Transport_Disconnect.reason = (uint32_t)reason;
	m.u.Transport_Disconnect.description =
		(struct mpl_bytes){ (const uint8_t *)cause, strlen(cause) };
	m.u.Transport_Disconnect.language = (struct mpl_bytes){ (const uint8_t *)"", 0 };
	/* The policy may not allow a DISCONNECT now (e.g. after the peer's); then, or with
	 * a full queue or a broken packet layer, the connection just closes. */
	(void)conn_send(c, &m, NULL);
	return err;
}

uint64_t conn_clock_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

long conn_write_some(struct conn *c)
{
	long total = 0;
	/* Bounded: each round either writes bytes out of a bounded queue or stops. */
	for (int round = 0; round < 64; round++) {
		size_t len;
		const uint8_t *p = packet_tx_peek(c->pkt, &len);
		if (p == NULL || len == 0)
			break;
		/* send with MSG_NOSIGNAL: a peer gone is -EPIPE, not a SIGPIPE (no handler
		 * runs in the net child); a pipe (-i) is not a socket and takes write. */
		ssize_t n = c->out_not_socket ? write(c->sock_out, p, len)
					      : send(c->sock_out, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK && !c->out_not_socket) {
			c->out_not_socket = true;
			continue;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			return errno == EPIPE || errno == ECONNRESET ? -EPIPE : -errno;
		}
		if (n == 0)
			break;
		int rc = packet_tx_consume(c->pkt, (size_t)n);
		if (rc < 0)
			return rc;
		total += n;
	}
	return total;
}

int conn_flush(struct conn *c, int timeout_ms)
{
	uint64_t start = conn_clock_ms();
	while (packet_tx_pending(c->pkt) > 0) {
		long n = conn_write_some(c);
		if (n < 0)
			return (int)n;
		if (packet_tx_pending(c->pkt) == 0)
			break;
		uint64_t spent = conn_clock_ms() - start;
		if (spent >= (uint64_t)timeout_ms)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = c->sock_out, .events = POLLOUT };
		int r = poll(&pfd, 1, (int)((uint64_t)timeout_ms - spent));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0 && (pfd.revents & (POLLERR | POLLNVAL)) != 0)
			return -EPIPE;
	}
	return 0;
}

int conn_send_now(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch,
		  int timeout_ms)
{
	int rc = conn_send(c, m, ch);
	if (rc != -ENOSPC)
		return rc;
	rc = conn_flush(c, timeout_ms);
	if (rc < 0)
		return rc;
	return conn_send(c, m, ch);
}

static int hold(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch)
{
	struct mpl_writer w;
	struct mpl_error err = {0};
	size_t len;
	if (c->n_held >= CONN_HELD_MAX)
		return -ENOSPC;
	if (c->held_buf == NULL && (c->held_buf = malloc(CONN_HELD_BYTES)) == NULL)
		return -ENOMEM;
	mpl_writer_init(&w, c->held_buf + c->held_used, CONN_HELD_BYTES - c->held_used, 0, 0);
	int rc = ssh_msg_pack(&w, m, &err);
	if (rc == 0)
		rc = mpl_writer_finish(&w, &len);
	if (rc < 0)
		return rc;
	c->held[c->n_held++] = (struct conn_held){
		.kind = m->kind, .ch = ch, .off = c->held_used, .len = len,
	};
	c->held_used += len;
	return 0;
}

/* One held payload into the send queue, through the send gate. */
static int send_one_held(struct conn *c, const struct conn_held *h)
{
	struct mpl_writer w;
	int rc = packet_begin(c->pkt, h->len, &w);
	if (rc == -ENOSPC) {
		rc = conn_flush(c, CONN_REPLY_WAIT_MS);
		if (rc == 0)
			rc = packet_begin(c->pkt, h->len, &w);
	}
	if (rc < 0)
		return rc;
	rc = mpl_write_fixed(&w, c->held_buf + h->off, h->len);
	if (rc < 0) {
		packet_abort(c->pkt);
		return rc;
	}
	return conn_send_commit(c, h->kind, h->ch, &w);
}

int conn_send_held(struct conn *c)
{
	if (c->kex_active || c->tx_kex || c->n_held == 0)
		return 0;
	int rc = 0;
	for (unsigned i = 0; i < c->n_held && rc == 0; i++)
		rc = send_one_held(c, &c->held[i]);
	memset(c->held_buf, 0, c->held_used);
	c->n_held = 0;
	c->held_used = 0;
	return rc;
}

int conn_send_reply(struct conn *c, const struct ssh_msg *m, struct ssh_policy_channel *ch)
{
	if ((c->kex_active || c->tx_kex) && !passes_kex(m->kind))
		return hold(c, m, ch);
	int rc = conn_send_held(c);	/* keeps the order should any be left */
	if (rc < 0)
		return rc;
	return conn_send_now(c, m, ch, CONN_REPLY_WAIT_MS);
}
