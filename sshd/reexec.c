/* Re-executing our own binary.  See reexec.h. */
#include "sshd/reexec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshd/daemon.h"

extern char **environ;

int reexec_self_open(void)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int reexec_config_memfd(const char *text, size_t len)
{
	if (text == NULL && len > 0)
		return -EINVAL;
	if (len > REEXEC_CONFIG_MAX)
		return -EMSGSIZE;
	int fd = memfd_create("sshd_config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int r = n < 0 ? -errno : -EIO;
			close(fd);
			return r;
		}
		off += (size_t)n;
	}
	/* children share this description: sealed, nobody can change what the next one
	 * reads */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

/* Moves `fd` to `target`, clearing close-on-exec there.  Descriptors are first lifted
 * above the layout (see reexec_connection), so no move clobbers another. */
static int place(int fd, int target)
{
	if (dup2(fd, target) < 0)
		return -1;
	return fcntl(target, F_SETFD, 0);
}

void reexec_connection(int self_fd, char *const argv[], int sock, int config_fd,
		       int startup_fd)
{
	enum { HIGH = 64 };

	daemon_signals_release();
	int s = fcntl(sock, F_DUPFD_CLOEXEC, HIGH);
	int c = fcntl(config_fd, F_DUPFD_CLOEXEC, HIGH);
	int u = fcntl(startup_fd, F_DUPFD_CLOEXEC, HIGH);
	int e = fcntl(self_fd, F_DUPFD_CLOEXEC, HIGH);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (s < 0 || c < 0 || u < 0 || e < 0 || devnull < 0)
		_exit(255);
	if (place(devnull, STDIN_FILENO) < 0 || place(devnull, STDOUT_FILENO) < 0 ||
	    place(s, REEXEC_SOCK_FD) < 0 || place(c, REEXEC_CONFIG_FD) < 0 ||
	    place(u, REEXEC_STARTUP_FD) < 0)
		_exit(255);
	/* everything else goes at execve; `e` must survive until then */
	if (close_range(REEXEC_STARTUP_FD + 1, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		_exit(255);
	fexecve(e, argv, environ);
	_exit(255);
}

int reexec_read_config(char **text, size_t *len)
{
	struct stat st;

	if (text == NULL || len == NULL)
		return -EINVAL;
	if (fstat(REEXEC_CONFIG_FD, &st) < 0)
		return -EBADF;
	if (!S_ISREG(st.st_mode))
		return -EBADF;
	if (st.st_size < 0 || st.st_size > REEXEC_CONFIG_MAX)
		return -EMSGSIZE;
	size_t size = (size_t)st.st_size;
	char *buf = malloc(size + 1);
	if (buf == NULL)
		return -ENOMEM;
	size_t off = 0;
	while (off < size) {
		/* pread: the file offset is shared with every other child */
		ssize_t n = pread(REEXEC_CONFIG_FD, buf + off, size - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int r = n < 0 ? -errno : -EBADMSG;
			free(buf);
			return r;
		}
		off += (size_t)n;
	}
	buf[size] = '\0';
	close(REEXEC_CONFIG_FD);
	*text = buf;
	*len = size;
	return 0;
}

int reexec_restart(int self_fd, char *const argv[])
{
	if (argv == NULL || argv[0] == NULL)
		return -EINVAL;
	if (argv[0][0] == '/')
		execv(argv[0], argv);
	if (self_fd >= 0)
		fexecve(self_fd, argv, environ);
	return -errno;
}
