/* The net child's entry points and its event loop (netchild.h, DESIGN §2). */
#include "sshd/netchild.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crypto/pubkey.h"
#include "sshd/channel.h"
#include "sshd/client_alive.h"
#include "sshd/conn.h"
#include "sshd/conn_ctx.h"
#include "sshd/kex_moduli.h"
#include "sshd/kex_negotiate.h"
#include "sshd/keyblob.h"
#include "sshd/mon_client.h"
#include "sshd/transport.h"
#include "sshd/userauth.h"
#include "sshd/version.h"

#define NETCHILD_DEFAULT_MODULI "/etc/ssh/moduli"
/* After the connection is closing, how long the last bytes (our DISCONNECT) may take. */
#define NETCHILD_FINAL_FLUSH_MS 2000
/* The longest poll: the loop looks at its timers at least this often. */
#define NETCHILD_MAX_WAIT_MS 60000
/* Packets handled per wake-up before the loop looks at its other descriptors. The
 * receive buffer holds at most two whole packets, so this is never the bound in
 * practice; it only makes the bound explicit. */
#define NETCHILD_MAX_PACKETS_PER_READ 1024
/* Writing our identification line: a fresh socket takes 255 bytes at once; if not, the
 * peer is not reading and is not worth waiting for long. */
#define NETCHILD_VERSION_WRITE_MS 10000

/* What netchild_prepare hands netchild_main through ctx->net_private. */
struct netchild_private {
	struct kex_moduli *moduli;	/* NULL: no moduli file, group exchange refused */
	bool tcp;			/* the connection is a TCP socket (TCP_QUICKACK) */
};

static bool not_tcp_errno(int e)
{
	return e == ENOTSOCK || e == EOPNOTSUPP || e == ENOPROTOOPT || e == EINVAL;
}

int netchild_prepare(struct privsep_net *net)
{
	struct sshd_conn_ctx *ctx = net->arg;
	if (ctx == NULL)
		return -EINVAL;
	struct netchild_private *np = calloc(1, sizeof(*np));
	if (np == NULL)
		return -ENOMEM;

	const char *path = ctx->cfg != NULL && ctx->cfg->moduli_file != NULL
		? ctx->cfg->moduli_file : NETCHILD_DEFAULT_MODULI;
	size_t skipped = 0;
	int rc = kex_moduli_load(path, &np->moduli, &skipped);
	if (rc < 0) {
		np->moduli = NULL;
		log_msg(&net->log, rc == -ENOENT ? LOG_LEVEL_DEBUG1 : LOG_LEVEL_ERROR,
			"no moduli from %s (%s): diffie-hellman-group-exchange refused", path,
			strerror(-rc));
	} else if (skipped > 0) {
		log_msg(&net->log, LOG_LEVEL_DEBUG1, "%s: %zu unusable lines skipped", path,
			skipped);
	}

	/* Interactive traffic must not wait for Nagle; a pipe (-i) is not a socket. */
	int one = 1;
	np->tcp = setsockopt(net->conn_in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0;
	if (!np->tcp && !not_tcp_errno(errno)) {
		rc = -errno;
		kex_moduli_free(np->moduli);
		free(np);
		return rc;
	}
	int fds[2] = { net->conn_in, net->conn_out };
	for (size_t i = 0; i < 2; i++) {
		int fl = fcntl(fds[i], F_GETFL);
		if (fl < 0 || fcntl(fds[i], F_SETFL, fl | O_NONBLOCK) < 0) {
			rc = -errno;
			kex_moduli_free(np->moduli);
			free(np);
			return rc;
		}
	}
	ctx->net_private = np;
	return 0;
}

/* kex_sign_fn over the monitor (the net child holds no private key). */
static int sign_by_monitor(void *arg, const uint8_t *key_blob, size_t key_len, const char *alg,
			   const uint8_t *h, size_t h_len, uint8_t *sig, size_t sig_cap)
{
	return mon_sign(arg, key_blob, key_len, alg, h, h_len, sig, sig_cap);
}

/* Writes our identification line before any packet (it is not a packet). */
static int write_line(int fd, const char *line, size_t len)
{
	uint64_t start = conn_clock_ms();
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, line + off, len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -errno;
		uint64_t spent = conn_clock_ms() - start;
		if (spent >= NETCHILD_VERSION_WRITE_MS)
			return -ETIMEDOUT;
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		(void)poll(&pfd, 1, (int)(NETCHILD_VERSION_WRITE_MS - spent));
	}
	return 0;
}

/* Where a message goes, by the layer its kind names. */
enum layer { LAYER_TRANSPORT, LAYER_AUTH, LAYER_CONNECTION };

static enum layer layer_of(enum ssh_msg_kind kind)
{
	const char *name = ssh_msg_kind_name(kind);
	if (kind == ssh_msg_Transport_ServiceRequest || strncmp(name, "Auth_", 5) == 0)
		return LAYER_AUTH;
	if (strncmp(name, "Global_", 7) == 0 || strncmp(name, "Channel_", 8) == 0)
		return LAYER_CONNECTION;
	return LAYER_TRANSPORT;
}

/* One received packet through the gate and to its layer. */
static int dispatch(struct conn *c, const struct packet_in *in)
{
	struct ssh_msg m;
	struct ssh_policy_channel *ch = NULL;
	int rc = conn_recv(c, in, &m, channels_lookup, c->chans, &ch);
	if (rc == -ENOENT) {
		/* T8: an unknown message number gets UNIMPLEMENTED with its sequence number. */
		struct ssh_msg u;
		ssh_msg_init(&u, ssh_msg_Transport_Unimplemented);
		u.u.Transport_Unimplemented.sequence_number = in->seqnr;
		rc = conn_send_now(c, &u, NULL, NETCHILD_FINAL_FLUSH_MS);
		if (rc < 0)
			return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
					       "cannot send UNIMPLEMENTED: %s", strerror(-rc));
		return 0;
	}
	if (rc == -EBADMSG)
		return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "malformed message type %u",
				       in->len > 0 ? in->payload[0] : 0u);
	if (rc == -EPROTO)
		return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR,
				       "protocol violation: unexpected %s",
				       ssh_msg_kind_name(m.kind));
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "receive failed: %s", strerror(-rc));
	switch (layer_of(m.kind)) {
	case LAYER_AUTH:
		return userauth_handle(c, &m);
	case LAYER_CONNECTION:
		return channels_handle(c, &m, ch);
	case LAYER_TRANSPORT:
	default:
		return transport_handle(c, &m, in);
	}
}

/* The state of the loop beyond struct conn. */
struct loop {
	struct conn *c;
	bool tcp;
	bool version_done;
	struct version_reader vr;
};

/* The client's identification line, from the bytes received before any packet. */
static int read_identification(struct loop *lp)
{
	struct conn *c = lp->c;
	size_t len, used = 0;
	const uint8_t *p = packet_rx_peek(c->pkt, &len);
	int rc = version_feed(&lp->vr, p, len, &used);
	if (used > 0)
		(void)packet_rx_discard(c->pkt, used);
	if (rc == 0)
		return 0;
	if (rc < 0) {
		const char *line = version_error_line(rc);
		size_t tlen = 0;
		const char *text = version_error_text(&lp->vr, &tlen);
		const char *cause = version_error_cause(&lp->vr);
		/* the peer's bytes are escaped by the log; 100 are enough to recognise them */
		log_msg(c->log, LOG_LEVEL_INFO,
			"Bad protocol version identification '%.*s' from %s port %d: %s",
			(int)(tlen < 100 ? tlen : 100), text != NULL ? text : "",
			c->ctx->peer_addr, c->ctx->peer_port, cause != NULL ? cause : "invalid");
		/* What is queued (our KEXINIT) goes first: the error line must not land
		 * inside a packet. */
		(void)conn_flush(c, NETCHILD_FINAL_FLUSH_MS);
		if (line != NULL)
			(void)write_line(c->sock_out, line, strlen(line));
		c->closing = true;
		c->exit_status = 255;
		return rc;
	}
	size_t vlen;
	const char *v = version_peer_line(&lp->vr, &vlen);
	rc = transport_set_peer_version(c, v, vlen);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_PROTOCOL_ERROR, "bad identification");
	log_msg(c->log, LOG_LEVEL_DEBUG1, "Client protocol version %d.%d; client software version %s",
		lp->vr.major, lp->vr.minor, version_peer_software(&lp->vr));
	lp->version_done = true;
	return 0;
}

/* The socket is readable: one read into the receive buffer, then every whole packet. */
static int on_readable(struct loop *lp)
{
	struct conn *c = lp->c;
	uint8_t *buf;
	size_t room;
	int rc = packet_rx_space(c->pkt, &buf, &room);
	if (rc < 0)
		return conn_disconnect(c, rc, packet_disconnect_reason(c->pkt, rc), "%s",
				       packet_error_cause(c->pkt, rc));
	ssize_t n = read(c->sock_in, buf, room);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
			return 0;
		log_msg(c->log, LOG_LEVEL_INFO, "Read error from %s port %d: %s",
			c->ctx->peer_addr, c->ctx->peer_port, strerror(errno));
		c->closing = true;
		c->exit_status = 255;
		return -errno;
	}
	if (n == 0) {
		rc = lp->version_done ? packet_rx_eof(c->pkt) : 0;
		log_msg(c->log, LOG_LEVEL_INFO, "Connection closed by %s port %d%s",
			c->ctx->peer_addr, c->ctx->peer_port,
			rc < 0 ? " (inside a packet)" : "");
		c->closing = true;
		c->exit_status = 255;
		return -EPIPE;
	}
	rc = packet_rx_commit(c->pkt, (size_t)n);
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION, "receive buffer");
	client_alive_bytes_in(c);
	/* Linux turns quick ACKs off again by itself; without re-arming, the client's next
	 * small packet waits for a 40 ms delayed ACK. */
	if (lp->tcp) {
		int one = 1;
		if (setsockopt(c->sock_in, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one)) < 0)
			lp->tcp = false;
	}
	if (!lp->version_done) {
		rc = read_identification(lp);
		if (rc < 0 || !lp->version_done)
			return rc;
	}
	for (int i = 0; i < NETCHILD_MAX_PACKETS_PER_READ && !c->closing; i++) {
		struct packet_in in;
		rc = packet_next(c->pkt, &in);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return conn_disconnect(c, rc, packet_disconnect_reason(c->pkt, rc), "%s",
					       packet_error_cause(c->pkt, rc));
		if (transport_drop_guessed(c)) {
			log_msg(c->log, LOG_LEVEL_DEBUG1, "dropping the client's wrong guess");
			continue;
		}
		rc = dispatch(c, &in);
		if (rc < 0) {
			/* Every handler disconnects before failing; one that did not must
			 * not leave the connection half-handled. */
			if (!c->closing)
				conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
						"internal error: %s", strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* The poll set: the connection, the monitor, the sessions. */
#define LOOP_FIXED_FDS 3
enum { PFD_IN = 0, PFD_OUT = 1, PFD_MON = 2 };

static int run_loop(struct loop *lp)
{
	struct conn *c = lp->c;
	struct pollfd pfds[LOOP_FIXED_FDS + CHANNEL_MAX_POLLFDS];
	int rc = 0;

	/* Each round blocks in poll at most NETCHILD_MAX_WAIT_MS; the connection ends on
	 * the timers (LoginGraceTime) or the peer, so the loop is bounded by them. */
	while (!c->closing) {
		c->now_ms = conn_clock_ms();
		int timeout = NETCHILD_MAX_WAIT_MS;
		if ((rc = userauth_tick(c, &timeout)) < 0 || c->closing)
			break;
		if ((rc = transport_tick(c, &timeout)) < 0 || c->closing)
			break;
		if ((rc = client_alive_tick(c, &timeout)) < 0 || c->closing)
			break;
		/* Write first: the queue may have filled while handling the last packets. */
		long w = conn_write_some(c);
		if (w < 0) {
			log_msg(c->log, LOG_LEVEL_INFO, "Connection to %s port %d: write failed: %s",
				c->ctx->peer_addr, c->ctx->peer_port, strerror((int)-w));
			c->closing = true;
			c->exit_status = 255;
			rc = (int)w;
			break;
		}
		bool pending = packet_tx_pending(c->pkt) > 0;
		pfds[PFD_IN] = (struct pollfd){ .fd = c->sock_in, .events = POLLIN };
		pfds[PFD_OUT] = (struct pollfd){ .fd = pending ? c->sock_out : -1,
						 .events = POLLOUT };
		pfds[PFD_MON] = (struct pollfd){ .fd = mon_client_fd(c->mon), .events = POLLIN };
		size_t nch = channels_pollfds(c->chans, pfds + LOOP_FIXED_FDS, CHANNEL_MAX_POLLFDS);
		if (nch > CHANNEL_MAX_POLLFDS)
			nch = CHANNEL_MAX_POLLFDS;
		int r = poll(pfds, LOOP_FIXED_FDS + nch, timeout);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			log_msg(c->log, LOG_LEVEL_ERROR, "poll: %s", strerror(errno));
			c->closing = true;
			c->exit_status = 255;
			break;
		}
		c->now_ms = conn_clock_ms();
		if (pfds[PFD_MON].revents != 0) {
			rc = mon_client_read_events(c->mon);
			if (rc < 0) {
				log_msg(c->log, LOG_LEVEL_ERROR, "monitor connection: %s",
					strerror(-rc));
				c->closing = true;
				c->exit_status = 255;
				break;
			}
			struct mon_session_exit ev;
			for (int i = 0; i < MON_MAX_PENDING_EXITS &&
					mon_client_next_exit(c->mon, &ev) == 1; i++)
				if ((rc = channels_session_exit(c, &ev)) < 0 || c->closing)
					break;
			if (c->closing)
				break;
		}
		if ((pfds[PFD_IN].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
			rc = on_readable(lp);
			if (c->closing)
				break;
		}
		if (pfds[PFD_OUT].revents & (POLLERR | POLLNVAL)) {
			log_msg(c->log, LOG_LEVEL_INFO, "Connection to %s port %d lost",
				c->ctx->peer_addr, c->ctx->peer_port);
			c->closing = true;
			c->exit_status = 255;
			break;
		}
		if ((rc = channels_io(c, pfds + LOOP_FIXED_FDS, nch)) < 0 || c->closing)
			break;
	}
	return rc;
}

/* Our KEXINIT proposal from the configuration and the host keys the monitor holds. */
static int build_proposal(struct conn *c, const struct pubkey *const *keys, size_t n,
			  struct kex_proposal *prop)
{
	const struct sshd_config *cfg = c->cfg;
	struct kex_server_config ksc = {
		.kex_algorithms = cfg->kex_algorithms,
		.hostkey_algorithms = cfg->hostkeyalgorithms,
		.ciphers = cfg->ciphers,
		.macs = cfg->macs,
		.compression = cfg->compression == SSHD_COMP_DELAYED,
		.hostkeys = keys,
		.n_hostkeys = n,
		.ext_info_s = false,
	};
	enum kex_list_id failed = KEX_LIST_COUNT;
	int rc = kex_proposal_build(prop, &ksc, &failed);
	if (rc < 0)
		log_msg(c->log, LOG_LEVEL_ERROR, "no usable %s configured",
			rc == -ENOTSUP ? kex_list_what(failed) : "algorithm");
	return rc;
}

int netchild_main(struct privsep_net *net)
{
	struct sshd_conn_ctx *ctx = net->arg;
	struct netchild_private *np = ctx != NULL ? ctx->net_private : NULL;
	struct log_ctx *log = &net->log;
	struct conn c;
	struct pubkey *keys[MON_MAX_HOSTKEYS] = {0};
	struct mpl_bytes blobs_ok[MON_MAX_HOSTKEYS];
	const struct pubkey *keys_ok[MON_MAX_HOSTKEYS];
	size_t nkeys = 0;
	struct kex_proposal *prop = NULL;
	struct loop lp = {0};
	int status = 255, rc;

	if (ctx == NULL || ctx->cfg == NULL)
		return 255;
	if (conn_init(&c, ctx, log, net->conn_in, net->conn_out, conn_clock_ms()) < 0) {
		log_msg(log, LOG_LEVEL_ERROR, "out of memory");
		return 255;
	}
	if ((rc = mon_client_new(&c.mon, net->ipc_fd, log)) < 0) {
		log_msg(log, LOG_LEVEL_ERROR, "monitor client: %s", strerror(-rc));
		goto out;
	}
	const struct mpl_bytes *blobs;
	size_t nblobs;
	if ((rc = mon_hostkeys(c.mon, &blobs, &nblobs)) < 0) {
		log_msg(log, LOG_LEVEL_ERROR, "host keys from the monitor: %s", strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < nblobs && nkeys < MON_MAX_HOSTKEYS; i++) {
		rc = keyblob_decode(blobs[i].ptr, blobs[i].len, &keys[nkeys]);
		if (rc < 0) {
			keys[nkeys] = NULL;
			log_msg(log, LOG_LEVEL_ERROR, "host key %zu from the monitor: %s", i,
				strerror(-rc));
			continue;
		}
		blobs_ok[nkeys] = blobs[i];
		keys_ok[nkeys] = keys[nkeys];
		nkeys++;
	}
	prop = malloc(sizeof(*prop));
	if (prop == NULL || build_proposal(&c, keys_ok, nkeys, prop) < 0)
		goto out;

	char line[VERSION_LINE_MAX + 1];
	int line_len = version_format(line, sizeof(line), ctx->cfg->version_addendum);
	if (line_len < 2) {
		log_msg(log, LOG_LEVEL_ERROR, "cannot format our identification: %s",
			strerror(line_len < 0 ? -line_len : EINVAL));
		goto out;
	}
	struct transport_params tp = {
		.proposal = prop,
		.v_s = line, .v_s_len = (size_t)line_len - 2,
		.hostkey_blobs = blobs_ok, .hostkeys = keys_ok, .n_hostkeys = nkeys,
		.moduli = np != NULL ? np->moduli : NULL,
		.sign = sign_by_monitor, .sign_arg = c.mon,
	};
	if ((rc = transport_new(&c, &tp)) < 0 || (rc = userauth_new(&c.ua, &c)) < 0 ||
	    (rc = channels_new(&c.chans, &c)) < 0) {
		log_msg(log, LOG_LEVEL_ERROR, "net child set-up: %s", strerror(-rc));
		goto out;
	}
	free(prop);
	prop = NULL;

	/* Our identification, then at once our KEXINIT (T1): the client may send its
	 * KEXINIT in the same segment as its identification line. */
	if ((rc = write_line(c.sock_out, line, (size_t)line_len)) < 0) {
		log_msg(log, LOG_LEVEL_INFO, "Connection to %s port %d: cannot send version: %s",
			ctx->peer_addr, ctx->peer_port, strerror(-rc));
		goto out;
	}
	if ((rc = transport_start(&c)) < 0) {
		log_msg(log, LOG_LEVEL_ERROR, "cannot send KEXINIT: %s", strerror(-rc));
		goto out;
	}
	lp.c = &c;
	lp.tcp = np != NULL && np->tcp;
	version_reader_init(&lp.vr, VERSION_SERVER_MAX_PRE_LINES);
	rc = run_loop(&lp);
	if (!c.closing)	/* a module failed without ending the connection itself */
		conn_disconnect(&c, rc < 0 ? rc : -EIO, SSH_DISCONNECT_BY_APPLICATION,
				"internal error: %s", strerror(rc < 0 ? -rc : EIO));
	/* The last bytes (our DISCONNECT) get a bounded time to leave. */
	(void)conn_flush(&c, NETCHILD_FINAL_FLUSH_MS);
	status = c.exit_status;
out:
	free(prop);
	channels_free(c.chans);
	c.chans = NULL;
	userauth_free(c.ua);
	c.ua = NULL;
	transport_free(&c);
	mon_client_free(c.mon);
	c.mon = NULL;
	conn_fini(&c);
	for (size_t i = 0; i < nkeys; i++)
		pubkey_free(keys[i]);
	if (np != NULL) {
		kex_moduli_free(np->moduli);
		free(np);
		ctx->net_private = NULL;
	}
	return status;
}
