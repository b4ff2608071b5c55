/* Daemonising and signals read from a signalfd.  See daemon.h. */
#include "sshd/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

int daemon_detach(bool keep_stderr)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		return -errno;

	pid_t pid = fork();
	if (pid < 0) {
		int r = -errno;
		close(devnull);
		return r;
	}
	if (pid > 0)
		_exit(0);	/* the caller's shell (or test-exec.sh) goes on */

	if (setsid() < 0 || chdir("/") < 0)
		_exit(255);
	if (dup2(devnull, STDIN_FILENO) < 0 || dup2(devnull, STDOUT_FILENO) < 0 ||
	    (!keep_stderr && dup2(devnull, STDERR_FILENO) < 0))
		_exit(255);
	if (devnull > STDERR_FILENO)
		close(devnull);
	return 0;
}

static void listener_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGCHLD);
}

int daemon_signals_open(void)
{
	sigset_t set;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) < 0)
		return -errno;
	listener_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int daemon_signals_read(int sigfd, struct daemon_flags *flags)
{
	struct signalfd_siginfo si[16];
	int count = 0;

	if (sigfd < 0 || flags == NULL)
		return -EINVAL;
	for (;;) {
		ssize_t n = read(sigfd, si, sizeof(si));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return count;
			return -errno;
		}
		if (n == 0 || (size_t)n % sizeof(si[0]) != 0)
			return -EIO;
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++, count++) {
			switch (si[i].ssi_signo) {
			case SIGTERM:
			case SIGINT:
				flags->term = true;
				break;
			case SIGHUP:
				flags->hup = true;
				break;
			case SIGCHLD:
				flags->chld = true;
				break;
			default:
				break;
			}
		}
	}
}

void daemon_signals_release(void)
{
	sigset_t set;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGPIPE, &sa, NULL);
	listener_signals(&set);
	(void)sigprocmask(SIG_UNBLOCK, &set, NULL);
}
