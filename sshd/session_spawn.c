/* Starting the user's process for a session channel, with pipes or on a pty's slave.
 *
 * Everything that allocates (environment, argv, paths) is prepared before fork.  The
 * child then becomes the user and reports to the parent, through a close-on-exec pipe,
 * the errno of the first step that failed up to and including the change of
 * credentials; the parent waits for that report (or for the pipe's EOF, closed by the
 * child once it is the user) so that a failure to become the user is the caller's
 * error (a negative errno, nothing left running), never a process running as the
 * wrong user.  After that point the child behaves as OpenSSH's do_child: a home
 * directory it cannot enter is a message on stderr, and a shell it cannot execute is a
 * message on stderr and exit status 1. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sshd/session_spawn.h"

#define SPAWN_DEFAULT_SHELL "/bin/sh"	/* passwd's "" means _PATH_BSHELL */
/* Store for the environment: the fixed part (names, PATH, ports) is far below this;
 * the variable part is added to it byte for byte. */
#define SPAWN_ENV_FIXED 1024
/* Largest environment store accepted: well above any real login, and below what
 * execve would refuse anyway (E2BIG). */
#define SPAWN_ENV_STORE_MAX (1024 * 1024)

/* What the child needs, all of it allocated and computed before fork. */
struct spawn_plan {
	const char *shell;		/* path given to execve */
	char *argv[4];
	char **envp;
	const char *home;
	const char *user;
	uid_t uid;
	gid_t gid;
	bool change_user;
	bool pty;			/* child_fd[] are the caller's pty slave */
	int child_fd[3];		/* become the child's 0, 1, 2 */
	int report_fd;			/* write end of the error pipe */
	int fd_limit;			/* close() fallback bound without close_range */
};

/* Adds a length to a running total, refusing a total above max. */
static int size_add(size_t *total, size_t n, size_t max)
{
	if (n > max || *total > max - n)
		return -ENOSPC;
	*total += n;
	return 0;
}

static int env_store_size(const struct session_spawn_params *p, size_t *out)
{
	const char *strs[] = { p->user, p->user, p->user, p->home, p->shell, p->peer_addr,
			       p->peer_addr, p->local_addr, p->original_command,
			       p->use_pty ? p->tty : NULL, p->use_pty ? p->term : NULL };
	size_t total = SPAWN_ENV_FIXED;

	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (strs[i] != NULL && size_add(&total, strlen(strs[i]), SPAWN_ENV_STORE_MAX) < 0)
			return -ENOSPC;
	for (size_t i = 0; i < p->n_extra_env; i++) {
		if (p->extra_env[i] == NULL)
			return -EINVAL;
		if (size_add(&total, strlen(p->extra_env[i]) + 1, SPAWN_ENV_STORE_MAX) < 0)
			return -ENOSPC;
	}
	*out = total;
	return 0;
}

/* ---- the child: from fork to execve ---------------------------------------------- */

/* Writes the pieces to fd 2 (the session's stderr), ignoring failures: there is no one
 * else to tell. */
static void child_say(const char *const *parts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = parts[i];
		size_t len = strlen(s);
		while (len > 0) {
			ssize_t w = write(STDERR_FILENO, s, len);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			s += w;
			len -= (size_t)w;
		}
	}
}

/* Tells the parent which errno stopped the child, then exits without running any of
 * the monitor's atexit handlers or flushing its stdio buffers. */
static _Noreturn void child_fail(const struct spawn_plan *pl, int err)
{
	int code = err > 0 ? err : EIO;
	ssize_t w;

	do
		w = write(pl->report_fd, &code, sizeof code);
	while (w < 0 && errno == EINTR);
	_exit(1);
}

/* Makes 0, 1, 2 the session's fds and closes every other fd except the report pipe
 * (the monitor's keys, sockets and logs must not reach the user). */
static int child_setup_fds(struct spawn_plan *pl)
{
	int moved[3];

	/* Above 2 first: a child end or the report pipe may itself be 0, 1 or 2 when the
	 * monitor runs with stdio closed, and dup2 onto it would lose it. */
	int report = fcntl(pl->report_fd, F_DUPFD_CLOEXEC, 3);
	if (report < 0)
		return -errno;
	pl->report_fd = report;
	for (int i = 0; i < 3; i++)
		if ((moved[i] = fcntl(pl->child_fd[i], F_DUPFD_CLOEXEC, 3)) < 0)
			return -errno;
	for (int i = 0; i < 3; i++)
		if (dup2(moved[i], i) < 0)	/* the new 0, 1, 2 are not close-on-exec */
			return -errno;

	if (report > 3 && close_range(3, (unsigned)report - 1, 0) < 0) {
		if (errno != ENOSYS)
			return -errno;
		for (int fd = 3; fd < report; fd++)
			(void)close(fd);
	}
	if (close_range((unsigned)report + 1, ~0U, 0) < 0) {
		if (errno != ENOSYS)
			return -errno;
		for (int fd = report + 1; fd < pl->fd_limit; fd++)
			(void)close(fd);
	}
	return 0;
}

/* The monitor ignores SIGPIPE and may handle others; an ignored signal stays ignored
 * across execve, so every disposition goes back to the default here.  glibc refuses to
 * touch the two real-time signals it reserves for itself (32 and 33), yet an ignored
 * one is inherited like any other (make leaves them ignored, for one): those are reset
 * with the system call itself.  An all-zero kernel sigaction is SIG_DFL with no flags
 * and an empty mask whatever the architecture's layout of that struct. */
static void child_reset_signals(void)
{
	struct sigaction sa;
	const unsigned long kernel_dfl[16] = { 0 };	/* larger than any kernel sigaction */

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (sigaction(sig, &sa, NULL) < 0 && errno == EINVAL)
			(void)syscall(SYS_rt_sigaction, sig, kernel_dfl, NULL,
				      (size_t)(NSIG - 1) / 8);
	}
}

/* initgroups reads the group database (NSS: files, maybe LDAP) and allocates: it is not
 * async-signal-safe.  That is acceptable here because the monitor is single-threaded,
 * so the child's copy of the heap and of libc's locks is consistent after fork. */
static int child_become_user(const struct spawn_plan *pl)
{
	if (initgroups(pl->user, pl->gid) < 0)
		return -errno;
	if (setresgid(pl->gid, pl->gid, pl->gid) < 0)
		return -errno;
	if (setresuid(pl->uid, pl->uid, pl->uid) < 0)
		return -errno;
	/* As OpenSSH's permanently_set_uid: prove that the change cannot be undone. */
	if (pl->uid != 0) {
		if (setuid(0) != -1 || seteuid(0) != -1)
			return -EACCES;
		if (pl->gid != 0 && (setgid(0) != -1 || setegid(0) != -1))
			return -EACCES;
	}
	return 0;
}

static _Noreturn void child_run(struct spawn_plan *pl)
{
	int r;

	/* All signals stay blocked (the parent blocked them around fork) until execve:
	 * nothing may interrupt the change of user half-way with a monitor's handler. */
	child_reset_signals();
	if (setsid() < 0)
		child_fail(pl, errno);
	if ((r = child_setup_fds(pl)) < 0)
		child_fail(pl, -r);
	/* The slave becomes the controlling terminal of the new session: the process
	 * gets ^C, ^Z and SIGHUP from it, and /dev/tty works (OpenSSH's
	 * pty_make_controlling_tty). */
	if (pl->pty && ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
		child_fail(pl, errno);
	if (pl->change_user && (r = child_become_user(pl)) < 0)
		child_fail(pl, -r);
	/* The user's process from here on: the parent stops waiting. */
	(void)close(pl->report_fd);

	if (chdir(pl->home) < 0) {
		const char *msg[] = { "Could not chdir to home directory ", pl->home, ": ",
				      strerror(errno), "\n" };
		child_say(msg, sizeof msg / sizeof msg[0]);
		if (chdir("/") < 0) {
			/* Stays in the monitor's directory, which the daemon made "/". */
		}
	}

	sigset_t none;
	sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	execve(pl->shell, pl->argv, pl->envp);

	/* As OpenSSH: perror(shell) and exit status 1. */
	const char *msg[] = { pl->shell, ": ", strerror(errno), "\n" };
	child_say(msg, sizeof msg / sizeof msg[0]);
	_exit(1);
}

/* ---- the parent ------------------------------------------------------------------ */

static void close_fds(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (fds[i] >= 0) {
			(void)close(fds[i]);
			fds[i] = -1;
		}
	}
}

/* Reaps a child that failed before becoming the user (it has exited or is about to). */
static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* One socketpair per stream, so that either side can shutdown() its direction to send
 * EOF; the unused direction is shut at once, so each is one-way like a pipe.
 * parent_reads says which way the data flows.  Both ends are close-on-exec. */
static int stream_pair(bool parent_reads, int *parent_end, int *child_end)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (shutdown(sv[0], parent_reads ? SHUT_WR : SHUT_RD) < 0) {
		int e = errno;
		(void)close(sv[0]);
		(void)close(sv[1]);
		return -e;
	}
	*parent_end = sv[0];
	*child_end = sv[1];
	return 0;
}

static int check_params(const struct session_spawn_params *p)
{
	if (p->user == NULL || p->user[0] == '\0' || p->home == NULL ||
	    (p->n_extra_env > 0 && p->extra_env == NULL) ||
	    (p->use_pty && (p->pty_slave < 0 || p->tty == NULL)))
		return -EINVAL;
	if (p->change_user) {
		if (geteuid() != 0)
			return -EPERM;
	} else if (p->uid != geteuid()) {
		/* Without root the process can only be the monitor's own user. */
		return -EINVAL;
	}
	return 0;
}

int session_spawn(const struct session_spawn_params *p, struct session_child *out)
{
	if (p == NULL || out == NULL)
		return -EINVAL;
	int r = check_params(p);
	if (r < 0)
		return r;

	struct spawn_plan pl = {
		.home = p->home, .user = p->user, .uid = p->uid, .gid = p->gid,
		.change_user = p->change_user, .child_fd = { -1, -1, -1 }, .report_fd = -1,
	};
	int parent_fd[3] = { -1, -1, -1 };
	int report[2] = { -1, -1 };
	char *store = NULL, *argv0 = NULL;
	char **envp = NULL;
	size_t store_cap;

	/* Environment and argv. */
	if ((r = env_store_size(p, &store_cap)) < 0)
		return r;
	store = malloc(store_cap);
	envp = calloc(SESSION_ENV_MAX + 1, sizeof *envp);
	if (store == NULL || envp == NULL) {
		r = -ENOMEM;
		goto fail;
	}
	if ((r = session_build_env(p, store, store_cap, envp, SESSION_ENV_MAX + 1)) < 0)
		goto fail;
	pl.envp = envp;
	pl.shell = (p->shell == NULL || p->shell[0] == '\0') ? SPAWN_DEFAULT_SHELL : p->shell;
	const char *base = strrchr(pl.shell, '/');
	base = base != NULL ? base + 1 : pl.shell;
	if (p->command == NULL) {
		/* A login shell: "-" before the shell's name tells it so. */
		size_t len = strlen(base);
		if ((argv0 = malloc(len + 2)) == NULL) {
			r = -ENOMEM;
			goto fail;
		}
		argv0[0] = '-';
		memcpy(argv0 + 1, base, len + 1);
		pl.argv[0] = argv0;
		pl.argv[1] = NULL;
	} else {
		pl.argv[0] = (char *)base;
		pl.argv[1] = (char *)"-c";
		pl.argv[2] = (char *)p->command;
		pl.argv[3] = NULL;
	}

	struct rlimit rl;
	pl.fd_limit = (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
		       rl.rlim_cur < INT32_MAX) ? (int)rl.rlim_cur : 65536;

	/* The streams (or the pty's slave, which stays the caller's) and the report
	 * pipe. */
	if (p->use_pty) {
		pl.pty = true;
		pl.child_fd[0] = pl.child_fd[1] = pl.child_fd[2] = p->pty_slave;
	} else if ((r = stream_pair(false, &parent_fd[0], &pl.child_fd[0])) < 0 ||
		   (r = stream_pair(true, &parent_fd[1], &pl.child_fd[1])) < 0 ||
		   (r = stream_pair(true, &parent_fd[2], &pl.child_fd[2])) < 0) {
		goto fail;
	}
	if (pipe2(report, O_CLOEXEC) < 0) {
		r = -errno;
		goto fail;
	}
	pl.report_fd = report[1];

	/* Signals blocked across fork: the child must not run a monitor's handler
	 * before its dispositions are reset (child_run unblocks them before execve). */
	sigset_t all, saved;
	sigfillset(&all);
	if (sigprocmask(SIG_SETMASK, &all, &saved) < 0) {
		r = -errno;
		goto fail;
	}
	pid_t pid = fork();
	if (pid == 0)
		child_run(&pl);
	int fork_errno = errno;
	(void)sigprocmask(SIG_SETMASK, &saved, NULL);
	if (pid < 0) {
		r = -fork_errno;
		goto fail;
	}

	if (pl.pty)
		pl.child_fd[0] = pl.child_fd[1] = pl.child_fd[2] = -1;	/* the caller's */
	close_fds(pl.child_fd, 3);
	close_fds(&report[1], 1);
	pl.report_fd = -1;

	/* EOF: the child is the user (or died, which the caller's waitpid will show). */
	int code = 0;
	ssize_t got;
	do
		got = read(report[0], &code, sizeof code);
	while (got < 0 && errno == EINTR);
	close_fds(&report[0], 1);
	if (got != 0) {
		if (got == (ssize_t)sizeof code && code > 0)
			r = -code;
		else
			r = got < 0 ? -errno : -EIO;
		(void)kill(pid, SIGKILL);	/* it exits by itself; this bounds the wait */
		reap(pid);
		goto fail;
	}

	free(argv0);
	free(envp);
	free(store);
	out->pid = pid;
	out->fd_stdin = parent_fd[0];
	out->fd_stdout = parent_fd[1];
	out->fd_stderr = parent_fd[2];
	return 0;

fail:
	close_fds(parent_fd, 3);
	if (!pl.pty)
		close_fds(pl.child_fd, 3);
	close_fds(report, 2);
	free(argv0);
	free(envp);
	free(store);
	return r;
}
