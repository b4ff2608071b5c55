/* The monitor / net-child split of one connection.  See privsep.h. */
#include "sshd/privsep.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sshd/fdpass.h"

#define PRIVSEP_EXTRA_MAX 16
/* After SIGKILL a process is gone within scheduler latency; this bounds the wait anyway. */
#define PRIVSEP_KILL_WAIT_MS 5000
/* Bound on the log reads after the child is gone (its pipe holds at most 64 KiB). */
#define PRIVSEP_FINAL_DRAINS 8

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
		return (int)fd;
	}
#else
	(void)pid;
#endif
	return -1;
}

/* ---- child side ---- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* Leaves open only `keep` (and 0..2, which become /dev/null unless kept), so that no
 * descriptor of the monitor (listening sockets, host key files, other connections)
 * reaches the net child. */
static int close_other_fds(const int *keep_in, size_t nkeep)
{
	int keep[8];
	size_t n = 0;

	if (nkeep > sizeof(keep) / sizeof(keep[0]))
		return -EINVAL;
	for (size_t i = 0; i < nkeep; i++)
		if (keep_in[i] >= 0)
			keep[n++] = keep_in[i];
	qsort(keep, n, sizeof(keep[0]), cmp_int);

	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return -errno;
	for (int fd = 0; fd <= 2; fd++) {
		bool kept = false;
		for (size_t i = 0; i < n; i++)
			kept |= keep[i] == fd;
		if (!kept && fd != devnull && dup2(devnull, fd) < 0)
			return -errno;
	}
	if (devnull > 2)
		close(devnull);

	unsigned lo = 3;
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		if ((unsigned)keep[i] > lo && close_range(lo, (unsigned)keep[i] - 1, 0) < 0)
			return -errno;
		lo = (unsigned)keep[i] + 1;
	}
	if (close_range(lo, ~0U, 0) < 0)
		return -errno;
	return 0;
}

static void reset_signals(void)
{
	static const int defaults[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCHLD, SIGALRM,
					SIGUSR1, SIGUSR2 };
	struct sigaction sa;
	sigset_t all;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		(void)sigaction(defaults[i], &sa, NULL);
	/* a vanished peer must be an EPIPE from write, not a silent death */
	sa.sa_handler = SIG_IGN;
	(void)sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
}

static void __attribute__((noreturn))
run_net_child(const struct privsep_params *p, pid_t monitor, int ipc_fd, int log_fd)
{
	struct privsep_net net;
	int r;

	reset_signals();
	/* the child must not outlive its monitor */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != monitor)
		_exit(255);

	int keep[] = { p->conn_in, p->conn_out, ipc_fd, log_fd, p->keep_stderr ? 2 : -1 };
	if (close_other_fds(keep, sizeof(keep) / sizeof(keep[0])) < 0)
		_exit(255);

	memset(&net, 0, sizeof(net));
	net.conn_in = p->conn_in;
	net.conn_out = p->conn_out;
	net.ipc_fd = ipc_fd;
	net.arg = p->arg;
	if (log_init(&net.log, p->log->ident, p->log->level, LOG_DEST_PIPE, 0, log_fd) < 0)
		_exit(255);

	if (p->net_prepare != NULL && (r = p->net_prepare(&net)) < 0) {
		log_msg(&net.log, LOG_LEVEL_ERROR, "net child: preparation failed: %s", strerror(-r));
		_exit(255);
	}
	if (sandbox_enter(p->sandbox, &net.log) < 0)
		_exit(255);	/* the step that failed is logged */
	log_msg(&net.log, LOG_LEVEL_DEBUG2, "net child: sandboxed");
	r = p->net_main(&net);
	_exit(r & 0xff);
}

/* ---- monitor side ---- */

int privsep_monitor_wait(struct privsep_monitor *mon, struct pollfd *extra, int nextra,
			 int timeout_ms)
{
	struct pollfd pf[3 + PRIVSEP_EXTRA_MAX];

	if (mon == NULL || nextra < 0 || nextra > PRIVSEP_EXTRA_MAX || (nextra > 0 && !extra))
		return -EINVAL;
	int64_t deadline = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;

	for (;;) {
		int n = 0, i_ipc, i_log = -1, i_pid = -1;
		pf[n] = (struct pollfd){ .fd = mon->ipc_fd, .events = POLLIN };
		i_ipc = n++;
		if (mon->relay.fd >= 0 && !mon->relay.eof) {
			pf[n] = (struct pollfd){ .fd = mon->relay.fd, .events = POLLIN };
			i_log = n++;
		}
		if (mon->pidfd >= 0 && !mon->child_exited) {
			pf[n] = (struct pollfd){ .fd = mon->pidfd, .events = POLLIN };
			i_pid = n++;
		}
		int base = n;
		for (int i = 0; i < nextra; i++) {
			pf[n] = extra[i];
			pf[n++].revents = 0;
		}

		int wait = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();
			wait = left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
		}
		int k = poll(pf, (nfds_t)n, wait);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (int i = 0; i < nextra; i++)
			extra[i].revents = pf[base + i].revents;
		if (k == 0)
			return 0;

		if (i_log >= 0 && pf[i_log].revents)
			(void)log_relay_drain(&mon->relay, mon->log);
		if (i_pid >= 0 && (pf[i_pid].revents & POLLIN))
			mon->child_exited = true;
		/* frames the child sent before dying are still read first */
		if (pf[i_ipc].revents & POLLIN)
			return 1;
		if (pf[i_ipc].revents & (POLLHUP | POLLERR | POLLNVAL) || mon->child_exited)
			return -EPIPE;
		for (int i = 0; i < nextra; i++)
			if (extra[i].revents)
				return 2;
		/* only log lines: keep waiting */
	}
}

/* The monitor lets go of a connection descriptor.  In inetd mode that is stdin or stdout:
 * it becomes /dev/null rather than a free slot that the next open() (a session pipe, a
 * key file) would take and a stray write to stdout would then reach. */
static void release_conn_fd(int fd)
{
	if (fd <= STDERR_FILENO) {
		int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (devnull >= 0 && devnull != fd) {
			(void)dup2(devnull, fd);	/* dup2 clears close-on-exec on fd */
			close(devnull);
			return;
		}
		if (devnull == fd)
			return;
	}
	close(fd);
}

/* Waits up to `ms` for the child to exit, relaying its log meanwhile.  Returns 1 and
 * fills *status when reaped, 0 on timeout. */
static int reap_within(struct privsep_monitor *mon, int ms, int *status)
{
	int64_t deadline = now_ms() + ms;

	for (;;) {
		pid_t w = waitpid(mon->child, status, WNOHANG);
		if (w == mon->child)
			return 1;
		if (w < 0 && errno != EINTR)
			return 1;	/* not ours to wait for any more (ECHILD) */
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return 0;
		struct pollfd pf[2];
		int n = 0;
		if (mon->pidfd >= 0)
			pf[n++] = (struct pollfd){ .fd = mon->pidfd, .events = POLLIN };
		if (mon->relay.fd >= 0 && !mon->relay.eof)
			pf[n++] = (struct pollfd){ .fd = mon->relay.fd, .events = POLLIN };
		/* without a pidfd, poll in short slices */
		int slice = mon->pidfd >= 0 ? (int)left : (left < 20 ? (int)left : 20);
		if (poll(pf, (nfds_t)n, slice) > 0 && mon->relay.fd >= 0 && !mon->relay.eof)
			(void)log_relay_drain(&mon->relay, mon->log);
	}
}

int privsep_run(const struct privsep_params *p, struct privsep_result *res)
{
	int sv[2], logp[2];
	int r;

	if (p == NULL || res == NULL || p->net_main == NULL || p->monitor_loop == NULL ||
	    p->sandbox == NULL || p->log == NULL || p->conn_in < 0 || p->conn_out < 0)
		return -EINVAL;
	memset(res, 0, sizeof(*res));

	if ((r = fdpass_socketpair(sv)) < 0)
		return r;
	if (pipe2(logp, O_CLOEXEC) < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		return r;
	}

	pid_t monitor = getpid();
	pid_t child = fork();
	if (child < 0) {
		r = -errno;
		close(sv[0]);
		close(sv[1]);
		close(logp[0]);
		close(logp[1]);
		return r;
	}
	if (child == 0) {
		close(sv[0]);
		close(logp[0]);
		run_net_child(p, monitor, sv[1], logp[1]);
	}

	close(sv[1]);
	close(logp[1]);
	/* only the net child holds the connection from now on */
	release_conn_fd(p->conn_in);
	if (p->conn_out != p->conn_in)
		release_conn_fd(p->conn_out);

	struct privsep_monitor mon;
	memset(&mon, 0, sizeof(mon));
	mon.child = child;
	mon.ipc_fd = sv[0];
	mon.pidfd = pidfd_of(child);
	mon.log = p->log;
	mon.arg = p->arg;
	if (log_relay_init(&mon.relay, logp[0]) < 0) {
		close(logp[0]);
		mon.relay.fd = -1;
	}

	log_msg(p->log, LOG_LEVEL_DEBUG2, "privsep: net child %ld started", (long)child);
	res->loop_rc = p->monitor_loop(&mon);

	/* The end of the connection.  A child that broke the protocol is not given the
	 * chance to do anything more; otherwise it sees the IPC socket close and may exit. */
	int status = 0;
	if (res->loop_rc < 0) {
		(void)kill(child, SIGKILL);
		res->child_killed = true;
	}
	close(mon.ipc_fd);
	mon.ipc_fd = -1;
	int grace = p->exit_grace_ms > 0 ? p->exit_grace_ms : PRIVSEP_EXIT_GRACE_MS;
	if (!reap_within(&mon, res->child_killed ? PRIVSEP_KILL_WAIT_MS : grace, &status)) {
		log_msg(p->log, LOG_LEVEL_VERBOSE, "privsep: net child %ld did not exit; killing",
			(long)child);
		(void)kill(child, SIGKILL);
		res->child_killed = true;
		if (!reap_within(&mon, PRIVSEP_KILL_WAIT_MS, &status))
			log_msg(p->log, LOG_LEVEL_ERROR, "privsep: net child %ld not reaped",
				(long)child);
	}
	res->child_status = status;

	for (int i = 0; i < PRIVSEP_FINAL_DRAINS && mon.relay.fd >= 0 && !mon.relay.eof; i++)
		if (log_relay_drain(&mon.relay, p->log) <= 0 && !mon.relay.eof)
			break;
	log_relay_close(&mon.relay, p->log);
	if (mon.pidfd >= 0)
		close(mon.pidfd);

	if (WIFSIGNALED(status))
		log_msg(p->log, res->child_killed ? LOG_LEVEL_DEBUG1 : LOG_LEVEL_ERROR,
			"privsep: net child %ld killed by signal %d", (long)child, WTERMSIG(status));
	else
		log_msg(p->log, LOG_LEVEL_DEBUG1, "privsep: net child %ld exited with status %d",
			(long)child, WEXITSTATUS(status));
	return 0;
}
