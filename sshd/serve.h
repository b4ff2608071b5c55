/* The listener's top level, for main.c: detach (unless -D/-d), write the PidFile, run the
 * accept loop, and act on how it stopped — SIGTERM removes the PidFile and returns,
 * SIGHUP re-executes the listener with its original argv (as OpenSSH does).  The
 * listening sockets are bound by the caller first (listener_open), so bind errors reach
 * the terminal before detaching and the PidFile appears only once connections can be
 * accepted. */
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
