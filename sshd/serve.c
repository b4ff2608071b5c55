/* The listener's top level.  See serve.h. */
#include "sshd/serve.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "sshd/daemon.h"
#include "sshd/pidfile.h"
#include "sshd/reexec.h"

int serve_listener(const struct serve_params *p)
{
	int r;

	if (p == NULL || p->listener == NULL || p->serve == NULL || p->restart_argv == NULL)
		return -EINVAL;
	if (p->detach && (r = daemon_detach(p->keep_stderr)) < 0) {
		log_msg(p->log, LOG_LEVEL_ERROR, "daemon() failed: %s", strerror(-r));
		return r;
	}
	int sigfd = daemon_signals_open();
	if (sigfd < 0) {
		log_msg(p->log, LOG_LEVEL_ERROR, "signals: %s", strerror(-sigfd));
		return sigfd;
	}
	pid_t me = getpid();
	if (p->pidfile != NULL && (r = pidfile_write(p->pidfile, me)) < 0)
		/* as OpenSSH: the server still runs, the error is reported */
		log_msg(p->log, LOG_LEVEL_ERROR, "Couldn't create pid file \"%s\": %s", p->pidfile,
			strerror(-r));

	r = listener_run(p->listener, sigfd, p->serve, p->serve_arg);
	close(sigfd);
	listener_close(p->listener);

	if (r == LISTENER_STOP_HUP) {
		log_msg(p->log, LOG_LEVEL_INFO, "Received SIGHUP; restarting.");
		/* the new image rewrites the PidFile; SIGTERM arriving meanwhile stays pending */
		r = reexec_restart(p->self_fd, p->restart_argv);
		log_msg(p->log, LOG_LEVEL_ERROR, "RESTART FAILED: %s", strerror(-r));
	} else if (r == LISTENER_STOP_TERM) {
		log_msg(p->log, LOG_LEVEL_INFO, "Received signal %d; terminating.", SIGTERM);
		r = 0;
	} else {
		log_msg(p->log, LOG_LEVEL_ERROR, "listener: %s", strerror(-r));
	}
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
