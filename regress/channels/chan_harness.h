/* The test bed of the connection protocol: the net child's struct conn and channel
 * table over a socketpair (none cipher, the SPL automata stepped through a key
 * exchange and a successful authentication), a test client with its own packet layer
 * on the other end, and a fake monitor in a child process on a SEQPACKET socketpair
 * that answers SessionRequest by starting `/bin/sh -c COMMAND` itself (pipes for
 * stdout/stderr, a socketpair for stdin) and reports exits with SessionExit.
 *
 * The fake monitor's conventions: a command starting with "REFUSE" is refused
 * (status EACCES), one starting with "BUSY" too (EAGAIN, as for MaxSessions), one
 * starting with "FAIL" fails (status ENOSPC); a subsystem NAME runs
 * `echo subsystem:NAME`; a shell runs /bin/sh reading stdin; the child's environment is
 * PATH plus the variables of the request.  SignalRequest kills the session's process with that signal.  PtyRequest is
 * always allowed; a session with want_pty runs on a pty made by session_pty.c (size
 * and modes of the request, no TERM), the master its one fd, resized by
 * WindowChangeRequest and closed (the process hangs up) by SessionClose. */
#ifndef MSSHD_REGRESS_CHAN_HARNESS_H
#define MSSHD_REGRESS_CHAN_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sshd/channel.h"
#include "sshd/config.h"
#include "sshd/conn.h"
#include "sshd/conn_ctx.h"
#include "sshd/log.h"
#include "sshd/mon_client.h"

struct harness {
	struct sshd_config cfg;
	struct sshd_conn_ctx ctx;
	struct log_ctx log;
	struct conn c;
	struct channels *chs;
	struct mon_client *mon;
	int srv_fd, cli_fd;		/* the SSH socketpair */
	struct packet *cli;		/* the client's packet layer */
	pid_t monitor_pid;
	bool server_failed;		/* a gate or handler returned an error */
	int server_err;
};

/* Sets everything up; config lines (NULL-terminated, may be NULL) are applied to the
 * server's configuration.  Aborts the test on failure. */
void h_setup(struct harness *h, const char *const *config_lines);
void h_teardown(struct harness *h);

/* One turn of the net child's event loop (poll bounded by timeout_ms). */
void h_pump(struct harness *h, int timeout_ms);

/* The client sends m (pumping the server while its socket is full). */
void h_send(struct harness *h, const struct ssh_msg *m);

/* The next message the server sent, within timeout_ms: 1 with *m filled (views valid
 * until the next h_recv), 0 on timeout. */
int h_recv(struct harness *h, struct ssh_msg *m, int timeout_ms);

/* Builders of client messages. */
void h_open_session(struct harness *h, uint32_t client_id, uint32_t window, uint32_t max_packet);
void h_exec(struct harness *h, uint32_t server_id, const char *command, bool want_reply);
void h_env(struct harness *h, uint32_t server_id, const char *name, const char *value,
	   bool want_reply);
void h_data(struct harness *h, uint32_t server_id, const void *p, size_t n);
void h_eof(struct harness *h, uint32_t server_id);
void h_close(struct harness *h, uint32_t server_id);
void h_window_adjust(struct harness *h, uint32_t server_id, uint32_t add);

/* Expects the next message to be OPEN_CONFIRMATION for client_id; returns our number. */
uint32_t h_expect_confirm(struct harness *h, uint32_t client_id);

/* What a session produced, until its CLOSE (or the bound): the order of the
 * messages, the bytes of stdout and stderr. */
struct session_result {
	uint8_t *out;
	size_t out_len;
	uint8_t *err;
	size_t err_len;
	bool got_exit_status, got_exit_signal, got_eof, got_close;
	uint32_t exit_status;
	char signal_name[32];
	bool core_dumped;
	char order[256];
	char squeezed[256];		/* one letter per message: D data, X ext data, S exit-status,
				   G exit-signal, E eof, C close, Y success, N failure */
	size_t norder;
	bool disconnected;
};
/* Collects the messages for the client's channel client_id until CLOSE (within
 * timeout_ms), giving the server window back as data arrives when adjust is set (to
 * server_id); messages of other channels are ignored. */
void h_collect(struct harness *h, uint32_t client_id, uint32_t server_id,
	       struct session_result *r, bool adjust, int timeout_ms);
/* The order with runs of the same letter squeezed ("DDDSEC" -> "DSEC"). */
const char *h_order(struct session_result *r);
void h_result_free(struct session_result *r);

#endif
