/* The listener's top level, for main.c: detach (unless -D/-d), write the PidFile, run the
 * accept loop, and act on how it stopped — SIGTERM removes the PidFile and returns,
 * SIGHUP re-executes the listener with its original argv (as OpenSSH does).  The
 * listening sockets are bound by the caller first (listener_open), so bind errors reach
 * the terminal before detaching and the PidFile appears only once connections can be
 * accepted.
 *
 * How main.c puts the OS layer together (the config struct is its business):
 *
 *   listener (no -i):
 *     log_init / log_open_file (-E);  self_fd = reexec_self_open();
 *     parse and check sshd_config;  config_fd = reexec_config_memfd(text, len);
 *     listener_open(&l, addrs, n, family, &maxstartups, &log);   bind errors: exit 255
 *     serve_listener(&(struct serve_params){ &l, pidfile, !(-D || -d), -e, self_fd, argv,
 *                    serve_reexec, &(struct serve_reexec){ self_fd, config_fd, child_argv },
 *                    &log });
 *     child_argv is argv plus a flag that marks a per-connection child (OpenSSH: -R).
 *     Paths in argv should be absolute: a detached listener runs in "/", and SIGHUP
 *     re-executes the same argv.
 *   -d: listener_open as above, then serve_one(&params, &sock) instead of serve_listener
 *     and the connection served in this very process (no fork, no re-execution).
 *   per-connection child (that flag):
 *     reexec_read_config(&text, &len) and parse it (never the file);
 *     sandbox_prepare(...);  privsep_run(conn_in = conn_out = REEXEC_SOCK_FD, ...);
 *     the monitor closes REEXEC_STARTUP_FD once the user is authenticated.
 *   inetd (-i):
 *     sandbox_prepare(...);  privsep_run(conn_in = 0, conn_out = 1, ...). */
#ifndef MSSHD_SERVE_H
#define MSSHD_SERVE_H

#include <stdbool.h>

#include "sshd/listener.h"
#include "sshd/log.h"

struct serve_params {
	struct listener *listener;	/* opened with listener_open */
	const char *pidfile;		/* NULL: no PidFile ("PidFile none") */
	bool detach;			/* daemonise: false with -D or -d */
	bool keep_stderr;		/* detached but logging to stderr (-e) */
	int self_fd;			/* reexec_self_open(): SIGHUP falls back to it */
	char *const *restart_argv;	/* the original argv, for SIGHUP */
	listener_serve_fn serve;	/* per connection, e.g. serve_reexec */
	void *serve_arg;
	const struct log_ctx *log;
};

/* Runs the listener until SIGTERM (returns 0 after removing the PidFile) or SIGHUP
 * (re-executes; returns only if that failed).  Returns a negative errno on failure. */
int serve_listener(const struct serve_params *p);

/* -d (OpenSSH's debugging mode): one connection, served in this process.  Waits for a
 * connection on the listener's sockets, then closes them (a second client is refused by
 * the kernel, not queued) and releases the signals.  No PidFile, no detaching, as OpenSSH.
 * Returns 0 with the accepted socket in *sock (the caller serves it, e.g. privsep_run
 * with this process as the monitor, and exits), 1 when SIGTERM/SIGINT came first, or a
 * negative errno; SIGHUP re-executes as in serve_listener (returns only on failure). */
int serve_one(const struct serve_params *p, int *sock);

/* A listener_serve_fn that re-executes our binary for the connection (reexec.h): arg is
 * a struct serve_reexec. */
struct serve_reexec {
	int self_fd;		/* reexec_self_open() */
	int config_fd;		/* reexec_config_memfd() */
	char *const *argv;	/* argv of the per-connection child */
};
int serve_reexec(void *arg, int sock, int startup_fd, const struct sockaddr_storage *peer,
		 socklen_t peerlen);

#endif
