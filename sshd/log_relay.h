/* The monitor's side of the net child's log pipe: reads the lines the (untrusted) net
 * child writes through a LOG_DEST_PIPE log_ctx and logs them again with a "[net]" tag.
 *
 * A line is a level digit ('1' FATAL .. '7' DEBUG3), the text and '\n'.  Lines longer
 * than LOG_RELAY_LINE_MAX are cut and the rest is dropped up to the next newline; a bad
 * level digit is logged as an ERROR saying so; every byte is escaped by log_text.  Each
 * call reads a bounded amount, so a chatty child cannot starve the monitor's loop. */
#ifndef MSSHD_LOG_RELAY_H
#define MSSHD_LOG_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "sshd/log.h"

#define LOG_RELAY_LINE_MAX (LOG_TEXT_MAX + 1)	/* level digit + text */
#define LOG_RELAY_READ_MAX (64 * 1024)		/* bytes read per log_relay_drain */
#define LOG_RELAY_TAG "[net]"

struct log_relay {
	int fd;				/* read end of the pipe (non-blocking) */
	size_t used;			/* bytes of the current line in buf */
	bool discarding;		/* dropping the rest of an over-long line */
	bool eof;
	unsigned long lines;		/* lines relayed */
	unsigned long cut;		/* lines cut at LOG_RELAY_LINE_MAX */
	char buf[LOG_RELAY_LINE_MAX];
};

/* Takes the read end `fd` (made non-blocking here).  Returns 0 or a negative errno. */
int log_relay_init(struct log_relay *r, int fd);

/* Reads what the pipe holds (at most LOG_RELAY_READ_MAX bytes) and logs every complete
 * line to `lg`.  Returns 0 when the pipe is drained for now, 1 when the read bound was
 * reached (more may be waiting), -EPIPE once the writer has closed it (a last partial
 * line is logged first), or another negative errno. */
int log_relay_drain(struct log_relay *r, const struct log_ctx *lg);

/* Feeds `n` bytes as if read from the pipe (the parser log_relay_drain uses; exposed for
 * the fuzz target). */
void log_relay_feed(struct log_relay *r, const struct log_ctx *lg, const char *p, size_t n);

/* Logs a partial line still buffered (the child died mid-line) and closes the fd. */
void log_relay_close(struct log_relay *r, const struct log_ctx *lg);

#endif
