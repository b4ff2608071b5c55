/* The monitor's state for one connection, shared by its files: monitor.c (the loop, the
 * policy gate, host keys), monitor_sign.c (host keys and signatures),
 * monitor_userauth.c (user lookup and key checks), monitor_session.c (sessions,
 * signals, reaping).  Not for use outside sshd/monitor*.c. */
#ifndef MSSHD_MONITOR_INT_H
#define MSSHD_MONITOR_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "crypto/hostkey.h"
#include "sshd/conn_ctx.h"
#include "sshd/keyblob.h"
#include "sshd/log.h"
#include "sshd/mon_auth.h"
#include "sshd/mon_client.h"
#include "sshd/mon_wire.h"
#include "sshd/privsep.h"
#include "sshd/session_pty.h"
#include "monitor_policy.h"	/* generated from sshd/proto/monitor.spl */

/* Most sessions running at once (MaxSessions applies below this). */
#define MONITOR_MAX_SESSIONS 64
/* How long an answer may wait for room on the IPC socket before the connection is
 * given up: the net child reads its answers at once, so only a stuck child waits. */
#define MONITOR_SEND_TIMEOUT_MS 30000
/* Without pidfds, how often the session children are polled for their exit. */
#define MONITOR_REAP_POLL_MS 100

struct monitor_session {
	bool used;
	bool forced;		/* runs a forced command: signals are refused (OpenSSH) */
	bool subsystem;		/* likewise */
	uint32_t id;
	pid_t pid;
	int pidfd;		/* -1 without pidfd support */
	int pty_master;		/* the monitor's copy, for window-change; -1 without a pty */
	char tty[SESSION_PTY_NAME_MAX];	/* the slave's path, released at the end */
};

struct monitor_state {
	struct privsep_monitor *mon;
	const struct sshd_conn_ctx *ctx;
	struct sshd_config *cfg;	/* ctx's, with the Match blocks applied at the lookup */
	struct log_ctx *log;		/* ctx's: a Match block's LogLevel sets its level */
	struct monitor_policy policy;

	/* host keys, in HostKey order, and their public blobs */
	size_t n_keys;
	struct hostkey *keys[MON_MAX_HOSTKEYS];
	size_t key_lens[MON_MAX_HOSTKEYS];
	uint8_t key_blobs[MON_MAX_HOSTKEYS][KEYBLOB_MAX];
	/* the HostkeysAnswer's list (monitor_key_entry[*]) */
	uint8_t key_list[MON_MAX_HOSTKEYS * (KEYBLOB_MAX + 4)];
	size_t key_list_len;

	/* the exchange hash of the first key exchange, fixed by the first signature, and
	 * the public blob of the host key that made it (publickey-hostbound requests must
	 * name that one); NULL before */
	uint8_t session_id[MON_AUTH_MAX_SESSION_ID];
	size_t session_id_len;
	const uint8_t *session_hostkey;	/* points into key_blobs */
	size_t session_hostkey_len;

	/* authentication */
	bool have_user;
	uint8_t req_user[MON_AUTH_USER_MAX];	/* the first lookup's user and service, */
	size_t req_user_len;			/* as the request named them */
	uint8_t req_service[64];
	size_t req_service_len;
	struct mon_auth_user user;
	char methods[MON_METHODS_MAX];	/* offered to this user */
	bool authenticated;
	bool startup_closed;
	struct mon_auth_key_opts key_opts;	/* the line that let the user in */

	/* sessions */
	struct monitor_session sessions[MONITOR_MAX_SESSIONS];
	size_t n_sessions;
	uint32_t next_session_id;
	int reap_fd;		/* epoll set of the sessions' pidfds; -1 without pidfds */

	/* one received message (views into rx) and the room to pack an answer */
	uint8_t rx[MON_WIRE_RECORD_MAX];
	uint8_t tx[MON_WIRE_BODY_MAX];
};

/* Offers statecall sc to the monitor automaton.  A refusal is logged (automaton, state,
 * statecall) and returned as -EPROTO: the caller ends the connection. */
int monitor_step(struct monitor_state *st, unsigned sc);

/* Steps the Transmit_ statecall of m and sends it with the nfds descriptors (they stay
 * open in the caller).  Returns 0 or a negative errno (the connection ends). */
int monitor_send(struct monitor_state *st, const struct monitor_msg *m, const int *fds,
		 size_t nfds);

/* Receives one message and handles it (the policy stepped first).  Returns 0, -EAGAIN
 * when nothing was waiting, -EPIPE when the net child closed the socket, or another
 * negative errno that ends the connection. */
int monitor_handle_one(struct monitor_state *st);

/* Handles one accepted-so-far message from the net child: the Receive_ statecall is
 * stepped here, then the handler of its kind runs and answers. */
int monitor_dispatch(struct monitor_state *st, const struct monitor_msg *m);

/* monitor_sign.c */
int monitor_load_hostkeys(struct monitor_state *st);
void monitor_free_hostkeys(struct monitor_state *st);
int monitor_on_hostkeys(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_sign(struct monitor_state *st, const struct monitor_msg *m);

/* monitor_userauth.c */
int monitor_on_user(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_pubkey_query(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_pubkey_verify(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_password(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_kbdint_start(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_kbdint_respond(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_banner(struct monitor_state *st, const struct monitor_msg *m);

/* monitor_session.c */
int monitor_sessions_init(struct monitor_state *st);
void monitor_sessions_fini(struct monitor_state *st);
int monitor_on_session(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_signal(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_window_change(struct monitor_state *st, const struct monitor_msg *m);
/* A session's channel closed in the net child: its pty (if any) is released now. */
int monitor_on_session_close(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_pty(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_direct_tcpip(struct monitor_state *st, const struct monitor_msg *m);
int monitor_on_tcpip_forward(struct monitor_state *st, const struct monitor_msg *m);
/* Reaps the session children that ended and sends their SessionExit.  Returns 0 or a
 * negative errno (the connection ends). */
int monitor_reap(struct monitor_state *st);
/* The poll entry that signals a session's end (fd -1: none; then *timeout_ms is the
 * polling interval to use, or -1 when no session runs). */
void monitor_reap_pollfd(const struct monitor_state *st, struct pollfd *pfd, int *timeout_ms);

#endif
