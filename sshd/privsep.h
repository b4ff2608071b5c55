/* The per-connection split of DESIGN §1: the monitor (this process, stays privileged)
 * forks the net child, which keeps only the connection, the IPC socket and its log pipe,
 * confines itself (sandbox.h) and runs the caller's net-child entry; the monitor runs the
 * caller's loop over the IPC socket, re-logs the child's log lines with a "[net]" tag,
 * and when the loop ends, or the child dies, ends the connection and reaps the child.
 *
 * The IPC socket is an fdpass.h SOCK_SEQPACKET pair; what travels on it (monitor.mpl
 * messages) is the caller's business. */
#ifndef MSSHD_PRIVSEP_H
#define MSSHD_PRIVSEP_H

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sshd/log.h"
#include "sshd/log_relay.h"
#include "sshd/sandbox.h"

/* What the net child's entry function gets.  Every other descriptor is closed (0, 1, 2
 * that are not the connection are /dev/null). */
struct privsep_net {
	int conn_in;		/* the TCP socket, or stdin in inetd mode */
	int conn_out;		/* the same socket, or stdout in inetd mode */
	int ipc_fd;		/* SEQPACKET socket to the monitor (non-blocking) */
	struct log_ctx log;	/* LOG_DEST_PIPE, the monitor's level */
	void *arg;		/* privsep_params.arg */
};

/* The monitor's view while its loop runs. */
struct privsep_monitor {
	pid_t child;
	int ipc_fd;		/* SEQPACKET socket to the child (non-blocking) */
	int pidfd;		/* readable when the child has exited; -1 if unsupported */
	bool child_exited;	/* set by privsep_monitor_wait */
	const struct log_ctx *log;
	struct log_relay relay;
	void *arg;
};

struct privsep_params {
	int conn_in, conn_out;		/* may be equal; closed in the monitor after the fork */
	const struct sandbox_plan *sandbox;	/* from sandbox_prepare */
	const struct log_ctx *log;	/* the monitor's log; its level is the child's */
	/* Runs in the child before confinement, as the privileged user with the other fds
	 * already closed: the place for what the sandbox would forbid (socket options such
	 * as TCP_NODELAY are allowed later, but others, epoll_create1 and loading host
	 * public keys are done here; libsodium and libcrypto are initialised by
	 * sandbox_enter itself).  May be NULL.  Returns 0 or a
	 * negative errno, which ends the child. */
	int (*net_prepare)(struct privsep_net *net);
	/* Runs in the confined child; its return value (0..255) is the child's exit
	 * status.  The child then calls _exit: nothing registered with atexit runs. */
	int (*net_main)(struct privsep_net *net);
	/* Runs in the monitor; returns 0 when the connection ended normally, or a negative
	 * errno (e.g. -EPROTO when the child broke the protocol: it is then killed at once). */
	int (*monitor_loop)(struct privsep_monitor *mon);
	void *arg;
	bool keep_stderr;		/* leave fd 2 open in the child (debugging, sanitizers) */
	int exit_grace_ms;		/* after a normal end, time the child has to exit before
					   SIGKILL; 0: PRIVSEP_EXIT_GRACE_MS */
};

#define PRIVSEP_EXIT_GRACE_MS 2000

struct privsep_result {
	int loop_rc;		/* monitor_loop's return value */
	int child_status;	/* as from waitpid */
	bool child_killed;	/* the monitor had to SIGKILL it */
};

/* Runs one connection: fork, child confined and running net_main, monitor_loop here, then
 * the end (IPC closed, child reaped, at most exit_grace_ms + a bounded wait after SIGKILL).
 * Returns 0 when the split ran (look at *res for how it went), or a negative errno when it
 * could not be set up (nothing is left running). */
int privsep_run(const struct privsep_params *p, struct privsep_result *res);

/* For monitor_loop: waits up to timeout_ms (< 0: no bound) for the IPC socket to become
 * readable, re-logging the child's log lines meanwhile.  `extra` (may be NULL) are more
 * descriptors to watch; their revents are filled in.
 * Returns 1 when the IPC socket is readable, 2 when only an extra fd is ready, 0 on
 * timeout, -EPIPE when the child has exited or closed the IPC socket, another negative
 * errno on error. */
int privsep_monitor_wait(struct privsep_monitor *mon, struct pollfd *extra, int nextra,
			 int timeout_ms);

#endif
