/* The net child's side of the monitor IPC: blocking round trips over the non-blocking
 * SEQPACKET socket, SessionExit queued whenever it arrives.  See mon_client.h. */
#include "sshd/mon_client.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshd/mon_wire.h"

struct mon_client {
	int fd;
	const struct log_ctx *log;
	int failed;			/* sticky: the first fatal error, 0 while healthy */

	/* One buffer for both directions: a request is sent whole before its answer
	 * is read, and answers are copied out before the next request is built. */
	uint8_t buf[MON_WIRE_RECORD_MAX];

	bool have_hostkeys;
	size_t n_hostkeys;
	struct mpl_bytes hostkeys[MON_MAX_HOSTKEYS];
	uint8_t hostkey_store[MON_MAX_HOSTKEYS][MON_MAX_KEY_BLOB];

	struct mon_session_exit exits[MON_MAX_PENDING_EXITS];
	size_t exit_head, exit_count;
};

int mon_client_new(struct mon_client **out, int ipc_fd, const struct log_ctx *log)
{
	if (out == NULL || ipc_fd < 0)
		return -EINVAL;
	*out = NULL;
	struct mon_client *mc = calloc(1, sizeof(*mc));
	if (mc == NULL)
		return -ENOMEM;
	mc->fd = ipc_fd;
	mc->log = log;
	*out = mc;
	return 0;
}

void mon_client_free(struct mon_client *mc)
{
	if (mc == NULL)
		return;
	if (mc->fd >= 0)
		close(mc->fd);
	free(mc);
}

int mon_client_fd(const struct mon_client *mc)
{
	return mc != NULL ? mc->fd : -1;
}

bool mon_client_ok(const struct mon_client *mc)
{
	return mc != NULL && mc->failed == 0;
}

/* Ends the client's usefulness: every later call returns the same error. */
static int fail(struct mon_client *mc, int err, const char *what)
{
	if (mc->failed == 0) {
		mc->failed = err;
		if (mc->log != NULL)
			log_msg(mc->log, err == -EPIPE ? LOG_LEVEL_VERBOSE : LOG_LEVEL_ERROR,
				"monitor IPC: %s: %s", what, strerror(-err));
	}
	return mc->failed;
}

static int queue_exit(struct mon_client *mc, const struct monitor_msg_Monitor_SessionExit *x)
{
	if (mc->exit_count == MON_MAX_PENDING_EXITS)
		return fail(mc, -EPROTO, "more session exits than the queue holds");
	struct mon_session_exit ev;
	memset(&ev, 0, sizeof(ev));
	ev.session_id = x->session_id;
	ev.exited = x->exited;
	ev.core_dumped = x->core_dumped;
	if (x->exited) {
		if (x->signal_name.len != 0)
			return fail(mc, -EPROTO, "session exit with both a status and a signal");
		ev.exit_status = x->exit_status;
	} else {
		if (x->signal_name.len == 0 || x->signal_name.len >= sizeof(ev.signal_name) ||
		    memchr(x->signal_name.ptr, '\0', x->signal_name.len) != NULL)
			return fail(mc, -EPROTO, "session exit with a bad signal name");
		memcpy(ev.signal_name, x->signal_name.ptr, x->signal_name.len);
	}
	mc->exits[(mc->exit_head + mc->exit_count) % MON_MAX_PENDING_EXITS] = ev;
	mc->exit_count++;
	return 0;
}

static int send_msg(struct mon_client *mc, const struct monitor_msg *m)
{
	struct mpl_error err;

	if (mc->failed)
		return mc->failed;
	int r = mon_wire_send(mc->fd, m, NULL, 0, mc->buf, sizeof(mc->buf), -1, &err);
	if (r == -EPIPE)
		return fail(mc, r, "monitor closed the socket");
	if (r < 0) {
		/* our own request did not fit the codec (a caller's bad argument): not
		 * the connection's fault, nothing was sent */
		if (r == -EINVAL || r == -ENOSPC || r == -EMSGSIZE) {
			if (mc->log != NULL)
				log_msg(mc->log, LOG_LEVEL_ERROR,
					"monitor IPC: cannot send %s: %s (%s)",
					monitor_msg_kind_name(m->kind), strerror(-r),
					err.field ? err.field : "-");
			return r;
		}
		return fail(mc, r, "send");
	}
	return 0;
}

/* Reads one message, waiting without bound when `wait`.  Returns 1 with *m filled, 0
 * when nothing is waiting (only without `wait`), or the fatal error. */
static int recv_one(struct mon_client *mc, bool wait, struct monitor_msg *m, int fds[3],
		    size_t *nfds)
{
	struct mpl_error err;

	for (;;) {
		if (mc->failed)
			return mc->failed;
		int r = mon_wire_recv(mc->fd, mc->buf, sizeof(mc->buf), m, fds, MON_WIRE_MAX_FDS,
				      nfds, 0, &err);
		if (r == 0)
			return 1;
		if (r == -EAGAIN) {
			if (!wait)
				return 0;
			struct pollfd pfd = { .fd = mc->fd, .events = POLLIN };
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return fail(mc, -errno, "poll");
			continue;
		}
		if (r == -EPIPE)
			return fail(mc, r, "monitor closed the socket");
		if (r == -EBADMSG || r == -EMSGSIZE || r == -EPROTO) {
			if (mc->log != NULL)
				log_msg(mc->log, LOG_LEVEL_ERROR,
					"monitor IPC: malformed message from the monitor (%s at byte %zu)",
					err.field ? err.field : "record", err.offset);
			return fail(mc, -EPROTO, "malformed message");
		}
		return fail(mc, r, "receive");
	}
}

/* Takes a message the monitor sent on its own; anything but SessionExit is a violation
 * (the monitor answers only requests, and none is outstanding). */
static int take_unsolicited(struct mon_client *mc, const struct monitor_msg *m, int *fds,
			    size_t nfds)
{
	if (m->kind != monitor_msg_Monitor_SessionExit || nfds != 0) {
		mon_wire_close_fds(fds, nfds);
		if (mc->log != NULL)
			log_msg(mc->log, LOG_LEVEL_ERROR, "monitor IPC: unexpected %s from the monitor",
				monitor_msg_kind_name(m->kind));
		return fail(mc, -EPROTO, "unexpected message");
	}
	return queue_exit(mc, &m->u.Monitor_SessionExit);
}

/* Sends req and waits for its answer of kind `want`, queueing SessionExit meanwhile.
 * fds (may be NULL when none may come) get the answer's descriptors, at most max_fds. */
static int round_trip(struct mon_client *mc, const struct monitor_msg *req,
		      enum monitor_msg_kind want, struct monitor_msg *ans, int *fds,
		      size_t max_fds, size_t *nfds)
{
	int got[MON_WIRE_MAX_FDS];
	size_t ngot = 0;

	if (nfds != NULL)
		*nfds = 0;
	int r = send_msg(mc, req);
	if (r < 0)
		return r;
	/* Each pass takes one message; the exits before the answer are bounded by the
	 * queue (an overflow fails), so this ends. */
	for (;;) {
		r = recv_one(mc, true, ans, got, &ngot);
		if (r < 0)
			return r;
		if (ans->kind == want)
			break;
		if (ans->kind == monitor_msg_Monitor_SessionExit) {
			if ((r = take_unsolicited(mc, ans, got, ngot)) < 0)
				return r;
			continue;
		}
		mon_wire_close_fds(got, ngot);
		if (mc->log != NULL)
			log_msg(mc->log, LOG_LEVEL_ERROR,
				"monitor IPC: %s answered with %s",
				monitor_msg_kind_name(req->kind), monitor_msg_kind_name(ans->kind));
		return fail(mc, -EPROTO, "wrong answer");
	}
	if (ngot > max_fds) {
		mon_wire_close_fds(got, ngot);
		return fail(mc, -EPROTO, "descriptors with an answer that takes none");
	}
	for (size_t i = 0; i < ngot; i++)
		fds[i] = got[i];
	if (nfds != NULL)
		*nfds = ngot;
	return 0;
}

/* A refusal status (a positive errno) as this API returns it. */
static int status_error(struct mon_client *mc, uint32_t status)
{
	if (status == 0 || status > 4095)
		return fail(mc, -EPROTO, "status out of range");
	return -(int)status;
}

/* Copies a name-list answer into a MON_METHODS_MAX buffer. */
static int copy_methods(struct mon_client *mc, struct mpl_bytes list, char *out)
{
	if (list.len >= MON_METHODS_MAX)
		return fail(mc, -EPROTO, "method list too long");
	memcpy(out, list.ptr, list.len);
	out[list.len] = '\0';
	return 0;
}

int mon_hostkeys(struct mon_client *mc, const struct mpl_bytes **blobs, size_t *n)
{
	struct monitor_msg req, ans;

	if (mc == NULL || blobs == NULL || n == NULL)
		return -EINVAL;
	if (!mc->have_hostkeys) {
		monitor_msg_init(&req, monitor_msg_Monitor_HostkeysRequest);
		int r = round_trip(mc, &req, monitor_msg_Monitor_HostkeysAnswer, &ans, NULL, 0, NULL);
		if (r < 0)
			return r;
		struct mpl_reader rd;
		struct mpl_error err;
		size_t k = 0;
		mpl_reader_init(&rd, ans.u.Monitor_HostkeysAnswer.keys.ptr,
				ans.u.Monitor_HostkeysAnswer.keys.len);
		while (mpl_reader_left(&rd) > 0) {
			struct monitor_key_entry e;
			if (monitor_key_entry_read(&rd, &e, &err) < 0)
				return fail(mc, -EPROTO, "malformed host key list");
			if (k == MON_MAX_HOSTKEYS)
				return fail(mc, -EPROTO, "too many host keys");
			if (e.public_key.len == 0 || e.public_key.len > MON_MAX_KEY_BLOB)
				return fail(mc, -EPROTO, "host key blob size");
			memcpy(mc->hostkey_store[k], e.public_key.ptr, e.public_key.len);
			mc->hostkeys[k].ptr = mc->hostkey_store[k];
			mc->hostkeys[k].len = e.public_key.len;
			k++;
		}
		if (k == 0)
			return fail(mc, -EPROTO, "no host keys");
		mc->n_hostkeys = k;
		mc->have_hostkeys = true;
	}
	*blobs = mc->hostkeys;
	*n = mc->n_hostkeys;
	return 0;
}

int mon_sign(struct mon_client *mc, const uint8_t *key_blob, size_t key_len,
	     const char *alg, const uint8_t *h, size_t h_len, uint8_t *sig, size_t sig_cap)
{
	struct monitor_msg req, ans;

	if (mc == NULL || key_blob == NULL || alg == NULL || h == NULL || sig == NULL ||
	    h_len < 20 || h_len > MONITOR_MAX_HASH_LEN)
		return -EINVAL;
	monitor_msg_init(&req, monitor_msg_Monitor_SignRequest);
	req.u.Monitor_SignRequest.key = (struct mpl_bytes){ key_blob, key_len };
	req.u.Monitor_SignRequest.algorithm = mpl_bytes_str(alg);
	req.u.Monitor_SignRequest.data = (struct mpl_bytes){ h, h_len };
	int r = round_trip(mc, &req, monitor_msg_Monitor_SignAnswer, &ans, NULL, 0, NULL);
	if (r < 0)
		return r;
	const struct monitor_msg_Monitor_SignAnswer *a = &ans.u.Monitor_SignAnswer;
	if (a->status != 0) {
		if (a->signature.len != 0)
			return fail(mc, -EPROTO, "refused signature with a blob");
		return status_error(mc, a->status);
	}
	if (a->signature.len == 0 || a->signature.len > INT32_MAX)
		return fail(mc, -EPROTO, "empty signature");
	if (a->signature.len > sig_cap)
		return -ENOSPC;
	memcpy(sig, a->signature.ptr, a->signature.len);
	return (int)a->signature.len;
}

void mon_net_settings_free(struct mon_net_settings *s)
{
	if (s != NULL)
		sshd_strlist_free(&s->accept_env);
}

/* The answer's settings, checked beyond the codec's bounds (which are the wire's, not
 * every keyword's): a monitor built from another monitor.mpl must not get nonsense in. */
static int copy_settings(struct mon_client *mc, const struct monitor_net_settings *w,
			 struct mon_net_settings *out)
{
	struct mpl_reader rd;
	struct mpl_error err;

	if (w->rekey_limit != 0 && w->rekey_limit < 16)
		return fail(mc, -EPROTO, "RekeyLimit under 16 bytes");
	if (w->max_authtries > INT_MAX || w->rekey_interval > INT_MAX ||
	    w->client_alive_interval > INT_MAX || w->client_alive_count_max > INT_MAX ||
	    w->log_level > LOG_LEVEL_DEBUG3)
		return fail(mc, -EPROTO, "setting out of range");
	out->max_authtries = w->max_authtries;
	out->rekey_bytes = w->rekey_limit;
	out->rekey_seconds = w->rekey_interval;
	out->log_level = (enum log_level)w->log_level;
	out->client_alive_interval = w->client_alive_interval;
	out->client_alive_count_max = w->client_alive_count_max;
	mpl_reader_init(&rd, w->accept_env.ptr, w->accept_env.len);
	for (uint32_t i = 0; i < w->num_accept_env; i++) {
		struct monitor_env_pattern e;
		char pat[MONITOR_MAX_ENV_PATTERN_LEN + 1];
		if (monitor_env_pattern_read(&rd, &e, &err) < 0 || e.pattern.len == 0 ||
		    e.pattern.len >= sizeof(pat) || memchr(e.pattern.ptr, '\0', e.pattern.len))
			return fail(mc, -EPROTO, "malformed AcceptEnv pattern");
		memcpy(pat, e.pattern.ptr, e.pattern.len);
		pat[e.pattern.len] = '\0';
		int r = sshd_strlist_add(&out->accept_env, pat);
		if (r < 0)
			return r;
	}
	return 0;
}

int mon_user(struct mon_client *mc, const uint8_t *user, size_t user_len,
	     const uint8_t *service, size_t service_len, bool *valid,
	     char methods[MON_METHODS_MAX], struct mon_net_settings *settings)
{
	struct monitor_msg req, ans;

	if (mc == NULL || (user == NULL && user_len > 0) || (service == NULL && service_len > 0) ||
	    valid == NULL || methods == NULL || settings == NULL)
		return -EINVAL;
	memset(settings, 0, sizeof(*settings));
	monitor_msg_init(&req, monitor_msg_Monitor_UserRequest);
	req.u.Monitor_UserRequest.user = (struct mpl_bytes){ user, user_len };
	req.u.Monitor_UserRequest.service = (struct mpl_bytes){ service, service_len };
	int r = round_trip(mc, &req, monitor_msg_Monitor_UserAnswer, &ans, NULL, 0, NULL);
	if (r < 0)
		return r;
	if ((r = copy_methods(mc, ans.u.Monitor_UserAnswer.methods, methods)) < 0)
		return r;
	if ((r = copy_settings(mc, &ans.u.Monitor_UserAnswer.settings, settings)) < 0) {
		mon_net_settings_free(settings);
		return r;
	}
	*valid = ans.u.Monitor_UserAnswer.valid;
	return 0;
}

int mon_banner(struct mon_client *mc, char **text, size_t *len)
{
	struct monitor_msg req, ans;

	if (mc == NULL || text == NULL || len == NULL)
		return -EINVAL;
	*text = NULL;
	*len = 0;
	monitor_msg_init(&req, monitor_msg_Monitor_BannerRequest);
	int r = round_trip(mc, &req, monitor_msg_Monitor_BannerAnswer, &ans, NULL, 0, NULL);
	if (r < 0)
		return r;
	struct mpl_bytes b = ans.u.Monitor_BannerAnswer.text;	/* the codec bounds it */
	if (b.len == 0)
		return 0;
	char *copy = malloc(b.len + 1);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, b.ptr, b.len);
	copy[b.len] = '\0';
	*text = copy;
	*len = b.len;
	return 0;
}

int mon_pubkey_query(struct mon_client *mc, const uint8_t *alg, size_t alg_len,
		     const uint8_t *key, size_t key_len, bool *allowed)
{
	struct monitor_msg req, ans;

	if (mc == NULL || (alg == NULL && alg_len > 0) || (key == NULL && key_len > 0) ||
	    allowed == NULL)
		return -EINVAL;
	monitor_msg_init(&req, monitor_msg_Monitor_PubkeyQueryRequest);
	req.u.Monitor_PubkeyQueryRequest.algorithm = (struct mpl_bytes){ alg, alg_len };
	req.u.Monitor_PubkeyQueryRequest.key = (struct mpl_bytes){ key, key_len };
	int r = round_trip(mc, &req, monitor_msg_Monitor_PubkeyQueryAnswer, &ans, NULL, 0, NULL);
	if (r < 0)
		return r;
	*allowed = ans.u.Monitor_PubkeyQueryAnswer.allowed;
	return 0;
}

int mon_pubkey_verify(struct mon_client *mc, const uint8_t *alg, size_t alg_len,
		      const uint8_t *key, size_t key_len, const uint8_t *signed_data,
		      size_t signed_len, const uint8_t *sig, size_t sig_len,
		      struct mon_auth_result *res)
{
	struct monitor_msg req, ans;

	if (mc == NULL || (alg == NULL && alg_len > 0) || (key == NULL && key_len > 0) ||
	    (signed_data == NULL && signed_len > 0) || (sig == NULL && sig_len > 0) ||
	    res == NULL)
		return -EINVAL;
	monitor_msg_init(&req, monitor_msg_Monitor_PubkeyVerifyRequest);
	struct monitor_msg_Monitor_PubkeyVerifyRequest *q = &req.u.Monitor_PubkeyVerifyRequest;
	q->algorithm = (struct mpl_bytes){ alg, alg_len };
	q->key = (struct mpl_bytes){ key, key_len };
	q->signed_data = (struct mpl_bytes){ signed_data, signed_len };
	q->signature = (struct mpl_bytes){ sig, sig_len };
	int r = round_trip(mc, &req, monitor_msg_Monitor_PubkeyVerifyAnswer, &ans, NULL, 0, NULL);
	if (r < 0)
		return r;
	const struct monitor_msg_Monitor_PubkeyVerifyAnswer *a = &ans.u.Monitor_PubkeyVerifyAnswer;
	if (a->authenticated && a->partial)
		return fail(mc, -EPROTO, "answer both authenticated and partial");
	if ((r = copy_methods(mc, a->methods, res->methods)) < 0)
		return r;
	res->authenticated = a->authenticated;
	res->partial = a->partial;
	return 0;
}

int mon_session(struct mon_client *mc, const struct monitor_msg_Monitor_SessionRequest *sreq,
		uint32_t *session_id, int fds[3], size_t *nfds)
{
	struct monitor_msg req, ans;
	int got[MON_WIRE_MAX_FDS];
	size_t ngot = 0;

	if (mc == NULL || sreq == NULL || session_id == NULL || fds == NULL || nfds == NULL)
		return -EINVAL;
	*nfds = 0;
	monitor_msg_init(&req, monitor_msg_Monitor_SessionRequest);
	req.u.Monitor_SessionRequest = *sreq;
	int r = round_trip(mc, &req, monitor_msg_Monitor_SessionAnswer, &ans, got,
			   MON_WIRE_MAX_FDS, &ngot);
	if (r < 0)
		return r;
	const struct monitor_msg_Monitor_SessionAnswer *a = &ans.u.Monitor_SessionAnswer;
	size_t want = a->status != 0 ? 0 : sreq->want_pty ? 1 : 3;
	if (ngot != want) {
		mon_wire_close_fds(got, ngot);
		return fail(mc, -EPROTO, "session answer with the wrong descriptor count");
	}
	if (a->status != 0)
		return status_error(mc, a->status);
	for (size_t i = 0; i < ngot; i++)
		fds[i] = got[i];
	*nfds = ngot;
	*session_id = a->session_id;
	return 0;
}

int mon_pty_allowed(struct mon_client *mc, bool *allowed)
{
	struct monitor_msg req, ans;

	if (mc == NULL || allowed == NULL)
		return -EINVAL;
	*allowed = false;
	monitor_msg_init(&req, monitor_msg_Monitor_PtyRequest);
	int r = round_trip(mc, &req, monitor_msg_Monitor_PtyAnswer, &ans, NULL, 0, NULL);
	if (r < 0)
		return r;
	*allowed = ans.u.Monitor_PtyAnswer.allowed;
	return 0;
}

int mon_window_change(struct mon_client *mc, uint32_t session_id, uint32_t cols,
		      uint32_t rows, uint32_t xpixels, uint32_t ypixels)
{
	struct monitor_msg req;

	if (mc == NULL)
		return -EINVAL;
	monitor_msg_init(&req, monitor_msg_Monitor_WindowChangeRequest);
	req.u.Monitor_WindowChangeRequest.session_id = session_id;
	req.u.Monitor_WindowChangeRequest.width_chars = cols;
	req.u.Monitor_WindowChangeRequest.height_rows = rows;
	req.u.Monitor_WindowChangeRequest.width_pixels = xpixels;
	req.u.Monitor_WindowChangeRequest.height_pixels = ypixels;
	return send_msg(mc, &req);
}

int mon_session_close(struct mon_client *mc, uint32_t session_id)
{
	struct monitor_msg req;

	if (mc == NULL)
		return -EINVAL;
	monitor_msg_init(&req, monitor_msg_Monitor_SessionClose);
	req.u.Monitor_SessionClose.session_id = session_id;
	return send_msg(mc, &req);
}

int mon_signal(struct mon_client *mc, uint32_t session_id, const char *signal_name)
{
	struct monitor_msg req;

	if (mc == NULL || signal_name == NULL)
		return -EINVAL;
	monitor_msg_init(&req, monitor_msg_Monitor_SignalRequest);
	req.u.Monitor_SignalRequest.session_id = session_id;
	req.u.Monitor_SignalRequest.signal_name = mpl_bytes_str(signal_name);
	return send_msg(mc, &req);
}

int mon_client_read_events(struct mon_client *mc)
{
	struct monitor_msg m;
	int fds[MON_WIRE_MAX_FDS];
	size_t nfds = 0;

	if (mc == NULL)
		return -EINVAL;
	/* Each pass queues one exit or fails (a full queue fails), so this ends. */
	for (;;) {
		int r = recv_one(mc, false, &m, fds, &nfds);
		if (r <= 0)
			return r;
		if ((r = take_unsolicited(mc, &m, fds, nfds)) < 0)
			return r;
	}
}

int mon_client_next_exit(struct mon_client *mc, struct mon_session_exit *ev)
{
	if (mc == NULL || ev == NULL)
		return -EINVAL;
	if (mc->exit_count == 0)
		return 0;
	*ev = mc->exits[mc->exit_head];
	mc->exit_head = (mc->exit_head + 1) % MON_MAX_PENDING_EXITS;
	mc->exit_count--;
	return 1;
}
