/* The listener's top level.  See serve.h. */
#include "sshd/serve.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sshd/daemon.h"
#include "sshd/pidfile.h"
#include "sshd/reexec.h"

/* The signals the listener acts on, as a descriptor (daemon.h); logged on failure. */
static int open_signals(const struct serve_params *p)
{
	int sigfd = daemon_signals_open();
	if (sigfd < 0)
		log_msg(p->log, LOG_LEVEL_ERROR, "signals: %s", strerror(-sigfd));
	return sigfd;
}

/* Acts on how waiting for connections stopped: SIGHUP re-executes the listener (returns
 * only the failure), SIGTERM gives 0, an error is logged and returned. */
static int stopped(const struct serve_params *p, int r)
{
	if (r == LISTENER_STOP_HUP) {
		log_msg(p->log, LOG_LEVEL_INFO, "Received SIGHUP; restarting.");
		/* the new image rewrites the PidFile; SIGTERM arriving meanwhile stays pending */
		r = reexec_restart(p->self_fd, p->restart_argv);
		log_msg(p->log, LOG_LEVEL_ERROR, "RESTART FAILED: %s", strerror(-r));
		return r;
	}
	if (r == LISTENER_STOP_TERM) {
		log_msg(p->log, LOG_LEVEL_INFO, "Received signal %d; terminating.", SIGTERM);
		return 0;
	}
	log_msg(p->log, LOG_LEVEL_ERROR, "listener: %s", strerror(-r));
	return r;
}

int serve_listener(const struct serve_params *p)
{
	int r;

	if (p == NULL || p->listener == NULL || p->serve == NULL || p->restart_argv == NULL)
		return -EINVAL;
	if (p->detach && (r = daemon_detach(p->keep_stderr)) < 0) {
		log_msg(p->log, LOG_LEVEL_ERROR, "daemon() failed: %s", strerror(-r));
		return r;
	}
	int sigfd = open_signals(p);
	if (sigfd < 0)
		return sigfd;
	pid_t me = getpid();
	if (p->pidfile != NULL && (r = pidfile_write(p->pidfile, me)) < 0)
		/* as OpenSSH: the server still runs, the error is reported */
		log_msg(p->log, LOG_LEVEL_ERROR, "Couldn't create pid file \"%s\": %s", p->pidfile,
			strerror(-r));

	r = listener_run(p->listener, sigfd, p->serve, p->serve_arg);
	close(sigfd);
	listener_close(p->listener);
	r = stopped(p, r);
	if (p->pidfile != NULL)
		(void)pidfile_remove(p->pidfile, me);
	return r;
}

int serve_reexec(void *arg, int sock, int startup_fd, const struct sockaddr_storage *peer,
		 socklen_t peerlen)
{
	const struct serve_reexec *x = arg;

	(void)peer;
	(void)peerlen;
	reexec_connection(x->self_fd, x->argv, sock, x->config_fd, startup_fd);
}

/* Waits for one connection on any listening socket, or a signal.  Returns 0 with the
 * accepted socket in *sock, LISTENER_STOP_TERM / LISTENER_STOP_HUP, or a negative errno. */
static int accept_first(const struct listener *l, int sigfd, const struct log_ctx *log,
			int *sock)
{
	struct pollfd pf[1 + LISTENER_MAX_SOCKS];
	nfds_t n = 0;

	pf[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	for (int i = 0; i < l->nsocks && i < LISTENER_MAX_SOCKS; i++)
		pf[n++] = (struct pollfd){ .fd = l->socks[i], .events = POLLIN };
	for (;;) {
		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pf[0].revents) {
			struct daemon_flags flags = { 0 };
			int r = daemon_signals_read(sigfd, &flags);
			if (r < 0)
				return r;
			if (flags.term)
				return LISTENER_STOP_TERM;
			if (flags.hup)
				return LISTENER_STOP_HUP;
			/* SIGCHLD: no child of ours runs yet */
		}
		for (nfds_t i = 1; i < n; i++) {
			if (!(pf[i].revents & POLLIN))
				continue;
			int s = accept4(pf[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (s >= 0) {
				*sock = s;
				return 0;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
			    errno != ECONNABORTED)
				log_msg(log, LOG_LEVEL_ERROR, "accept: %s", strerror(errno));
		}
	}
}

int serve_one(const struct serve_params *p, int *sock)
{
	if (p == NULL || p->listener == NULL || p->restart_argv == NULL || sock == NULL)
		return -EINVAL;
	*sock = -1;
	int sigfd = open_signals(p);
	if (sigfd < 0)
		return sigfd;
	int r = accept_first(p->listener, sigfd, p->log, sock);
	close(sigfd);
	/* nobody else is served: the port is given back at once, as OpenSSH */
	listener_close(p->listener);
	if (r != 0) {
		/* a SIGTERM before any connection: 1 (nothing to serve, no error) */
		int rc = stopped(p, r);
		return rc == 0 ? 1 : rc;
	}
	/* the connection gets the signals' usual dispositions, as a forked child does */
	daemon_signals_release();
	log_msg(p->log, LOG_LEVEL_DEBUG1, "Server will not fork when running in debugging mode.");
	return 0;
}
