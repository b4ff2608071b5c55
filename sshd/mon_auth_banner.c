/* The Banner file (sshd_config "Banner"), read by the monitor for the net child, which
 * opens no file.  As OpenSSH's auth2_read_banner: read as root at the first
 * authentication request of each connection (so an edited banner shows on the next
 * connection), an empty or unreadable file means no banner, and so does a file above the
 * size limit (not a truncated banner).  The limit is MONITOR_MAX_BANNER_LEN (192 KiB):
 * OpenSSH takes up to 1 MiB, but no client accepts a packet over 256 KiB. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sshd/mon_auth.h"

int mon_auth_read_banner(const char *path, size_t max, const struct log_ctx *log,
			 char **text, size_t *len)
{
	struct stat st;
	size_t want, got = 0;
	char *buf;
	int fd;

	if (text == NULL || len == NULL)
		return -EINVAL;
	*text = NULL;
	*len = 0;
	if (path == NULL || strcasecmp(path, "none") == 0)
		return 0;
	/* O_NONBLOCK: a FIFO put in place of the file must not stop the monitor */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		log_msg(log, LOG_LEVEL_VERBOSE, "Banner %s: %s: not sent", path, strerror(errno));
		return 0;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		log_msg(log, LOG_LEVEL_VERBOSE, "Banner %s: not a regular file, or empty: not "
			"sent", path);
		close(fd);
		return 0;
	}
	if ((uintmax_t)st.st_size > max) {
		log_msg(log, LOG_LEVEL_ERROR, "Banner %s is larger than %zu bytes: not sent",
			path, max);
		close(fd);
		return 0;
	}
	want = (size_t)st.st_size;
	if ((buf = malloc(want + 1)) == NULL) {
		close(fd);
		return -ENOMEM;
	}
	/* bounded: each pass reads something or stops */
	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != want) {
		/* it shrank while being read, or failed: OpenSSH sends nothing then */
		log_msg(log, LOG_LEVEL_VERBOSE, "Banner %s: short read: not sent", path);
		free(buf);
		return 0;
	}
	buf[got] = '\0';
	*text = buf;
	*len = got;
	return 0;
}
