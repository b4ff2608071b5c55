/* The net child's side of the IPC with the monitor (monitor.mpl over the SEQPACKET
 * socket privsep gives it).  Every request is a blocking round trip: the request goes
 * out, and the call returns with its one answer (the monitor answers each request before
 * reading the next; monitor.spl).  The monitor may also send SessionExit on its own at
 * any time; those that arrive while a call waits for its answer, or when the event loop
 * sees the socket readable (mon_client_read_events), are queued here and handed out by
 * mon_client_next_exit.
 *
 * Strings passed in are copied into the request before the call returns.  Every answer
 * is checked (kind, lengths, fd count) before anything is handed back; an answer of the
 * wrong kind, a malformed one, or a closed socket is -EPROTO / -EPIPE and fatal for the
 * connection.  Nothing in here trusts the monitor less than that: it is the privileged
 * side. */
#ifndef MSSHD_MON_CLIENT_H
#define MSSHD_MON_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpl/rt/mpl_rt.h"
#include "sshd/config.h"
#include "sshd/log.h"
/* Angle brackets: "monitor.h" would find sshd/monitor.h (the monitor loop) beside this
 * file; this is the codec generated from sshd/proto/monitor.mpl, in $(B)/gen. */
#include <monitor.h>

/* Most host keys announced, and the bound of one key blob. */
#define MON_MAX_HOSTKEYS 16
#define MON_MAX_KEY_BLOB 2048
/* Longest method list ("publickey,password,keyboard-interactive" and more). */
#define MON_METHODS_MAX 256
/* Session exits kept before the event loop takes them. */
#define MON_MAX_PENDING_EXITS 64

struct mon_client;

/* Takes over ipc_fd (non-blocking SEQPACKET socket; closed by mon_client_free). */
int mon_client_new(struct mon_client **out, int ipc_fd, const struct log_ctx *log);
void mon_client_free(struct mon_client *mc);
/* The socket, for the event loop's poll set (POLLIN: call mon_client_read_events). */
int mon_client_fd(const struct mon_client *mc);
/* Whether the IPC still works: false after a fatal error (a closed socket, a malformed
 * or unexpected message), which every later call returns.  A call that failed while
 * this stays true was refused (the monitor's status, or a request that did not fit):
 * the caller refuses what asked for it and the connection goes on. */
bool mon_client_ok(const struct mon_client *mc);

/* The public blobs of the host keys the monitor holds, in HostKey order.  The views
 * stay valid until mon_client_free (the answer is cached: later calls ask nothing). */
int mon_hostkeys(struct mon_client *mc, const struct mpl_bytes **blobs, size_t *n);

/* A signature by the host key named by key_blob, with algorithm alg (e.g.
 * "rsa-sha2-512"), over the exchange hash h (20..64 bytes).  Writes the signature blob
 * into sig; returns its length, -ENOSPC, -EACCES (the monitor refused), -EPROTO. */
int mon_sign(struct mon_client *mc, const uint8_t *key_blob, size_t key_len,
	     const char *alg, const uint8_t *h, size_t h_len, uint8_t *sig, size_t sig_cap);

/* The settings of this connection that the net child enforces, as the monitor's Match
 * pass left them (monitor.mpl's monitor_net_settings), checked by mon_user: every
 * value within its keyword's range, every pattern a non-empty C string. */
struct mon_net_settings {
	unsigned max_authtries;		/* MaxAuthTries */
	uint64_t rekey_bytes;		/* RekeyLimit: 0 (the default) or at least 16 */
	uint32_t rekey_seconds;		/* RekeyLimit's time; 0: none */
	enum log_level log_level;	/* LogLevel */
	uint32_t client_alive_interval;	/* ClientAliveInterval, s; 0: none */
	uint32_t client_alive_count_max; /* ClientAliveCountMax; 0: never ends it */
	struct sshd_strlist accept_env;	/* AcceptEnv's patterns (malloc'd) */
};
/* Releases the patterns; the struct may be reused. */
void mon_net_settings_free(struct mon_net_settings *s);

/* The user lookup that starts authentication for (user, service).  *valid is false for
 * an unknown or refused user (the monitor then answers every check for it with "no",
 * taking the same time as for a real user).  methods (NUL-terminated, may be empty)
 * gets the methods to offer, *settings (the caller frees it with
 * mon_net_settings_free; empty on failure) the connection's settings: a value out of
 * range is -EPROTO, as any malformed answer. */
int mon_user(struct mon_client *mc, const uint8_t *user, size_t user_len,
	     const uint8_t *service, size_t service_len, bool *valid,
	     char methods[MON_METHODS_MAX], struct mon_net_settings *settings);

/* The Banner file's text, read by the monitor (the net child opens no file): *text is a
 * malloc'd copy of *len bytes (NUL-terminated), NULL when there is no banner.  The
 * monitor answers this once per connection, before authentication. */
int mon_banner(struct mon_client *mc, char **text, size_t *len);

/* publickey without a signature: would this key be accepted (USERAUTH_PK_OK)? */
int mon_pubkey_query(struct mon_client *mc, const uint8_t *alg, size_t alg_len,
		     const uint8_t *key, size_t key_len, bool *allowed);

/* publickey with a signature: signed_data is the userauth_signed_data the client
 * signed, rebuilt by the net child from the request (keys.mpl); the monitor re-parses
 * it and checks session id, user, service, method, algorithm and key against what it
 * knows before verifying.  *partial and methods as in RFC 4252 §5.1. */
struct mon_auth_result {
	bool authenticated;
	bool partial;
	char methods[MON_METHODS_MAX];
};
int mon_pubkey_verify(struct mon_client *mc, const uint8_t *alg, size_t alg_len,
		      const uint8_t *key, size_t key_len, const uint8_t *signed_data,
		      size_t signed_len, const uint8_t *sig, size_t sig_len,
		      struct mon_auth_result *res);

/* A session (exec, shell or subsystem) started by the monitor as the user.  On success
 * *session_id names it in later calls and SessionExit, and fds[] gets the descriptors
 * (fds[0] the child's stdin (write end), fds[1] its stdout (read end), fds[2] its
 * stderr (read end); with a pty, one fd: the pty master), *nfds their count.  The caller
 * owns them.  Returns 0, -EACCES (refused: forced command, no-pty, ...), -EPROTO, ... */
int mon_session(struct mon_client *mc, const struct monitor_msg_Monitor_SessionRequest *req,
		uint32_t *session_id, int fds[3], size_t *nfds);
/* Whether the user may have a pty (pty-req): *allowed.  Returns 0, -EPROTO, ... */
int mon_pty_allowed(struct mon_client *mc, bool *allowed);
/* One-way notices about a running session. */
int mon_window_change(struct mon_client *mc, uint32_t session_id, uint32_t cols,
		      uint32_t rows, uint32_t xpixels, uint32_t ypixels);
int mon_signal(struct mon_client *mc, uint32_t session_id, const char *signal_name);
/* The session's channel closed while its process runs: the monitor hangs up its pty. */
int mon_session_close(struct mon_client *mc, uint32_t session_id);

/* A session's process ended (the monitor reaped it). */
struct mon_session_exit {
	uint32_t session_id;
	bool exited;		/* true: exit_status; false: killed by signal_name */
	uint32_t exit_status;
	char signal_name[32];	/* "TERM", "KILL", ... without "SIG" (RFC 4254 §6.10) */
	bool core_dumped;
};
/* Reads what the monitor sent on its own (the socket was readable).  Returns 0, -EPIPE
 * when the monitor closed the socket, -EPROTO for an unexpected message. */
int mon_client_read_events(struct mon_client *mc);
/* Hands out the oldest queued exit: 1 with *ev filled, 0 when none is queued. */
int mon_client_next_exit(struct mon_client *mc, struct mon_session_exit *ev);

#endif
