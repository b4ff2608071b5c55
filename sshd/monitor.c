/* The session monitor's loop (DESIGN §1): every request of the net child passes the
 * monitor automaton (monitor.spl) before its handler runs, and every answer passes it
 * before it is sent.  See monitor.h; the handlers are in monitor_sign.c,
 * monitor_userauth.c and monitor_session.c. */
#include "sshd/monitor.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sshd/monitor_int.h"

int monitor_step(struct monitor_state *st, unsigned sc)
{
	struct spl_rejection why = { 0 };

	int r = monitor_policy_step(&st->policy, NULL, sc, &why);
	if (r == 0)
		return 0;
	log_msg(st->log, LOG_LEVEL_ERROR,
		"monitor: protocol violation: %s refused by automaton %s in state %s",
		why.statecall ? why.statecall : monitor_policy_statecall_name(sc),
		why.automaton ? why.automaton : "?", why.state ? why.state : "?");
	return -EPROTO;
}

int monitor_send(struct monitor_state *st, const struct monitor_msg *m, const int *fds,
		 size_t nfds)
{
	struct mpl_error err = { 0 };

	int r = monitor_step(st, monitor_msg_transmit_statecall(m->kind));
	if (r < 0)
		return r;
	r = mon_wire_send(st->mon->ipc_fd, m, fds, nfds, st->tx, sizeof(st->tx),
			  MONITOR_SEND_TIMEOUT_MS, &err);
	if (r < 0 && r != -EPIPE)
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: cannot send %s: %s (%s)",
			monitor_msg_kind_name(m->kind), strerror(-r), err.field ? err.field : "-");
	return r;
}

/* A log line the net child sent over the IPC (its pipe is the usual way; both end up
 * tagged the same). */
static int on_log(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_Log *l = &m->u.Monitor_Log;
	enum log_level level = (enum log_level)l->level;

	/* the child may not log as FATAL or QUIET: those are the monitor's own words */
	if (level < LOG_LEVEL_ERROR)
		level = LOG_LEVEL_ERROR;
	log_text(st->log, level, "[net]", (const char *)l->message.ptr, l->message.len);
	return 0;
}

int monitor_dispatch(struct monitor_state *st, const struct monitor_msg *m)
{
	/* Every kind is offered to the automaton, also those no handler takes (answers,
	 * SessionExit, unknown types): the policy refuses them by name. */
	int r = monitor_step(st, monitor_msg_receive_statecall(m->kind));
	if (r < 0)
		return r;

	switch (m->kind) {
	case monitor_msg_Monitor_Log:
		return on_log(st, m);
	case monitor_msg_Monitor_HostkeysRequest:
		return monitor_on_hostkeys(st, m);
	case monitor_msg_Monitor_SignRequest:
		return monitor_on_sign(st, m);
	case monitor_msg_Monitor_UserRequest:
		return monitor_on_user(st, m);
	case monitor_msg_Monitor_PubkeyQueryRequest:
		return monitor_on_pubkey_query(st, m);
	case monitor_msg_Monitor_PubkeyVerifyRequest:
		return monitor_on_pubkey_verify(st, m);
	case monitor_msg_Monitor_PasswordRequest:
		return monitor_on_password(st, m);
	case monitor_msg_Monitor_KbdintStartRequest:
		return monitor_on_kbdint_start(st, m);
	case monitor_msg_Monitor_KbdintRespondRequest:
		return monitor_on_kbdint_respond(st, m);
	case monitor_msg_Monitor_BannerRequest:
		return monitor_on_banner(st, m);
	case monitor_msg_Monitor_SessionRequest:
		return monitor_on_session(st, m);
	case monitor_msg_Monitor_PtyRequest:
		return monitor_on_pty(st, m);
	case monitor_msg_Monitor_SignalRequest:
		return monitor_on_signal(st, m);
	case monitor_msg_Monitor_WindowChangeRequest:
		return monitor_on_window_change(st, m);
	case monitor_msg_Monitor_SessionClose:
		return monitor_on_session_close(st, m);
	case monitor_msg_Monitor_DirectTcpipRequest:
		return monitor_on_direct_tcpip(st, m);
	case monitor_msg_Monitor_TcpipForwardRequest:
		return monitor_on_tcpip_forward(st, m);
	default:
		/* the policy accepted a kind no handler takes: a policy that disagrees
		 * with this table is our bug, and the safe end is to stop */
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: no handler for %s",
			monitor_msg_kind_name(m->kind));
		return -EPROTO;
	}
}

int monitor_handle_one(struct monitor_state *st)
{
	struct monitor_msg m;
	struct mpl_error err = { 0 };
	size_t nfds = 0;

	/* the net child never sends descriptors: any that come are closed and refused */
	int r = mon_wire_recv(st->mon->ipc_fd, st->rx, sizeof(st->rx), &m, NULL, 0, &nfds, 0,
			      &err);
	if (r == -EAGAIN || r == -EPIPE)
		return r;
	if (r == -EBADMSG || r == -EMSGSIZE || r == -EPROTO) {
		log_msg(st->log, LOG_LEVEL_ERROR,
			"monitor: protocol violation: malformed request from the net child "
			"(%s, %s at byte %zu)", strerror(-r), err.field ? err.field : "record",
			err.offset);
		return -EPROTO;
	}
	if (r < 0)
		return r;
	r = monitor_dispatch(st, &m);
	/* a request may carry a secret (a password); it is not kept past its handler */
	sodium_memzero(st->rx, sizeof(st->rx));
	return r;
}

/* Waits for a request or a session's end and handles what came.  Returns 0 to go on,
 * 1 when the net child is gone (the normal end), or a negative errno. */
static int serve_once(struct monitor_state *st)
{
	struct pollfd extra[1];
	int timeout = -1;

	monitor_reap_pollfd(st, &extra[0], &timeout);
	int nextra = extra[0].fd >= 0 ? 1 : 0;
	int w = privsep_monitor_wait(st->mon, extra, nextra, timeout);
	if (w == -EPIPE)
		return 1;
	if (w < 0)
		return w;
	/* a session's end is looked for on every wake-up: cheap, and a timeout (no
	 * pidfds) is the only sign then */
	int r = monitor_reap(st);
	if (r == -EPIPE)
		return 1;
	if (r < 0)
		return r;
	if (w == 1) {
		r = monitor_handle_one(st);
		if (r == -EPIPE)
			return 1;
		if (r < 0 && r != -EAGAIN)
			return r;
	}
	return 0;
}

int monitor_loop(struct privsep_monitor *mon)
{
	if (mon == NULL || mon->arg == NULL || mon->ipc_fd < 0)
		return -EINVAL;
	const struct sshd_conn_ctx *ctx = mon->arg;
	if (ctx->cfg == NULL || ctx->log == NULL)
		return -EINVAL;

	struct monitor_state *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -ENOMEM;
	st->mon = mon;
	st->ctx = ctx;
	st->cfg = ctx->cfg;
	st->log = ctx->log;
	st->reap_fd = -1;
	st->next_session_id = 1;
	monitor_policy_init(&st->policy);

	int r = monitor_load_hostkeys(st);
	if (r == 0)
		r = monitor_sessions_init(st);
	/* Each pass handles one request or one batch of session ends; the net child's
	 * end (or a violation) stops it. */
	while (r == 0)
		r = serve_once(st);
	if (r == 1)
		r = 0;

	/* Session processes outlive the connection, as OpenSSH leaves non-pty sessions'
	 * children alone: they are no longer reaped here (init adopts them when this
	 * process exits). */
	monitor_sessions_fini(st);
	monitor_free_hostkeys(st);
	mon_auth_key_opts_clear(&st->key_opts);
	sodium_memzero(st, sizeof(*st));
	free(st);
	return r;
}
