/* The requests of a "session" channel (RFC 4254 §6) in the net child: what the client
 * asks before the session starts (env, pty-req), the one start
 * (shell, exec or subsystem: the monitor spawns the process as the user and hands back
 * its fds, mon_session), and the notices about a running session (signal,
 * window-change).  Replies and the data path are channel.c's; this decides only
 * whether a request is granted and talks to the monitor.
 *
 * Variables from env requests are kept only when their name matches AcceptEnv
 * (sshd_match_pattern_list per pattern, as OpenSSH matches each AcceptEnv word) and
 * travel with the SessionRequest, already in the monitor's wire form (monitor_env
 * records).  A subsystem is looked up in Subsystem here so that an unknown one is
 * refused without a round trip; the monitor gets its name and runs the command of its
 * own configuration (monitor.mpl: "exec command or subsystem name").
 *
 * A pty-req is answered after asking the monitor whether the user may have a pty
 * (no-pty, restrict, PermitTTY: mon_pty_allowed), then only remembered (its views
 * point into the packet, so the terminal type and the modes are copied): the monitor
 * allocates the pty with the process (and checks again).  One pty-req per channel; a
 * window-change before the start updates the remembered size. */
#ifndef MSSHD_SESSION_H
#define MSSHD_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sshd/conn.h"

/* Bounds of what env requests may store (the monitor takes at most 256 variables). */
#define SESSION_ENV_MAX_VARS 128
#define SESSION_ENV_MAX_BYTES (64u << 10)
#define SESSION_ENV_NAME_MAX 256
/* Bounds of a pty-req: a terminal type (terminfo names are short) and the encoded
 * modes (each mode 5 bytes; OpenSSH's client sends about 60). */
#define SESSION_TERM_MAX 256
#define SESSION_MODES_MAX 2048

struct session {
	bool started;		/* shell/exec/subsystem granted: id names it */
	uint32_t id;		/* the monitor's session id */
	uint8_t *env;		/* monitor_env records, packed */
	size_t env_len, env_cap;
	uint32_t n_env;
	/* pty-req, remembered until the start */
	bool want_pty;
	char term[SESSION_TERM_MAX];
	size_t term_len;
	uint32_t cols, rows, xpixels, ypixels;
	uint8_t *modes;
	size_t modes_len;
};

void session_init(struct session *s);
/* Releases the stored environment (the fds handed out are the caller's). */
void session_clear(struct session *s);

/* Decides one Channel_Request_* of a session channel (the SPL automaton already took
 * it).  Returns 1 when granted (CHANNEL_SUCCESS if a reply is wanted), 0 when refused
 * (CHANNEL_FAILURE), or a negative errno when the monitor connection failed (the caller
 * ends the connection).  When a shell/exec/subsystem request is granted, fds[] gets the
 * child's stdin (write end), stdout and stderr (read ends), owned by the caller from
 * now on; with a pty fds[0] and fds[1] are the same fd, the pty's master, read and
 * written both (it is one fd to close), and fds[2] is -1; otherwise fds[] is all -1. */
int session_request(struct session *s, struct conn *c, const struct ssh_msg *m, int fds[3]);

#endif
