/* PidFile handling.  See pidfile.h. */
#include "sshd/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pidfile_write(const char *path, pid_t pid)
{
	char tmp[PATH_MAX], text[32];

	if (path == NULL || path[0] == '\0' || pid <= 0)
		return -EINVAL;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int len = snprintf(text, sizeof(text), "%ld\n", (long)pid);
	int r = 0;
	if (fchmod(fd, 0644) < 0 || write(fd, text, (size_t)len) != len)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

int pidfile_read(const char *path, pid_t *pid)
{
	char text[32];

	if (path == NULL || pid == NULL)
		return -EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	text[n] = '\0';
	char *end;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (end == text || errno != 0 || v <= 0 || v > INT_MAX || strcmp(end, "\n") != 0)
		return -EBADMSG;
	*pid = (pid_t)v;
	return 0;
}

int pidfile_remove(const char *path, pid_t pid)
{
	pid_t in_file;

	if (path == NULL)
		return -EINVAL;
	int r = pidfile_read(path, &in_file);
	if (r == 0 && in_file != pid)
		return -ESRCH;
	/* a damaged file of ours is still ours to remove */
	if (r < 0 && r != -EBADMSG)
		return r;
	return unlink(path) < 0 ? -errno : 0;
}
