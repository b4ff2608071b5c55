/* Relays the net child's log lines into the monitor's log.  See log_relay.h. */
#include "sshd/log_relay.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

int log_relay_init(struct log_relay *r, int fd)
{
	if (r == NULL || fd < 0)
		return -EINVAL;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	return 0;
}

/* Logs the buffered line: the child chose the level, but only among the real ones. */
static void emit(struct log_relay *r, const struct log_ctx *lg, bool was_cut)
{
	if (r->used == 0)
		return;
	unsigned char d = (unsigned char)r->buf[0];
	if (d >= '0' + LOG_LEVEL_FATAL && d <= '0' + LOG_LEVEL_DEBUG3) {
		log_text(lg, (enum log_level)(d - '0'), was_cut ? LOG_RELAY_TAG " (cut)" : LOG_RELAY_TAG,
			 r->buf + 1, r->used - 1);
	} else {
		log_text(lg, LOG_LEVEL_ERROR, LOG_RELAY_TAG " (bad level)", r->buf, r->used);
	}
	r->lines++;
	r->used = 0;
}

void log_relay_feed(struct log_relay *r, const struct log_ctx *lg, const char *p, size_t n)
{
	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t seg = nl ? (size_t)(nl - p) : n;

		if (r->discarding) {
			if (nl)
				r->discarding = false;
		} else {
			size_t room = sizeof(r->buf) - r->used;
			size_t take = seg < room ? seg : room;
			memcpy(r->buf + r->used, p, take);
			r->used += take;
			if (take < seg || (r->used == sizeof(r->buf) && !nl)) {
				/* over-long: log what fits, drop the rest of the line */
				emit(r, lg, true);
				r->cut++;
				r->discarding = nl == NULL;
			} else if (nl) {
				emit(r, lg, false);
			}
		}
		if (!nl)
			return;
		p += seg + 1;
		n -= seg + 1;
	}
}

int log_relay_drain(struct log_relay *r, const struct log_ctx *lg)
{
	char chunk[4096];
	size_t total = 0;

	if (r == NULL || r->fd < 0)
		return -EINVAL;
	if (r->eof)
		return -EPIPE;
	while (total < LOG_RELAY_READ_MAX) {
		ssize_t n = read(r->fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		if (n == 0) {
			r->eof = true;
			emit(r, lg, false);
			return -EPIPE;
		}
		log_relay_feed(r, lg, chunk, (size_t)n);
		total += (size_t)n;
	}
	return 1;
}

void log_relay_close(struct log_relay *r, const struct log_ctx *lg)
{
	if (r == NULL || r->fd < 0)
		return;
	if (!r->discarding)
		emit(r, lg, false);
	close(r->fd);
	r->fd = -1;
}
