/* Logging: OpenSSH's levels and line format ("debug1: text", "error: text", plain text
 * for INFO/VERBOSE), written to syslog, stderr, an appended file, or the net child's log
 * pipe.  See log.h. */
#include "sshd/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

struct name_value {
	const char *name;
	int value;
};

static const struct name_value level_names[] = {
	{ "QUIET", LOG_LEVEL_QUIET },	{ "FATAL", LOG_LEVEL_FATAL },
	{ "ERROR", LOG_LEVEL_ERROR },	{ "INFO", LOG_LEVEL_INFO },
	{ "VERBOSE", LOG_LEVEL_VERBOSE }, { "DEBUG", LOG_LEVEL_DEBUG1 },
	{ "DEBUG1", LOG_LEVEL_DEBUG1 },	{ "DEBUG2", LOG_LEVEL_DEBUG2 },
	{ "DEBUG3", LOG_LEVEL_DEBUG3 },
};

static const struct name_value facility_names[] = {
	{ "DAEMON", LOG_DAEMON },	{ "USER", LOG_USER },
	{ "AUTH", LOG_AUTH },		{ "AUTHPRIV", LOG_AUTHPRIV },
	{ "LOCAL0", LOG_LOCAL0 },	{ "LOCAL1", LOG_LOCAL1 },
	{ "LOCAL2", LOG_LOCAL2 },	{ "LOCAL3", LOG_LOCAL3 },
	{ "LOCAL4", LOG_LOCAL4 },	{ "LOCAL5", LOG_LOCAL5 },
	{ "LOCAL6", LOG_LOCAL6 },	{ "LOCAL7", LOG_LOCAL7 },
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

int log_level_from_name(const char *name)
{
	if (name == NULL)
		return -EINVAL;
	for (size_t i = 0; i < N_ELEMS(level_names); i++)
		if (strcasecmp(name, level_names[i].name) == 0)
			return level_names[i].value;
	return -EINVAL;
}

const char *log_level_name(enum log_level level)
{
	/* "DEBUG" is an alias: skip it so that DEBUG1 prints as "DEBUG1" */
	for (size_t i = 0; i < N_ELEMS(level_names); i++)
		if (level_names[i].value == (int)level && strcmp(level_names[i].name, "DEBUG") != 0)
			return level_names[i].name;
	return NULL;
}

int log_facility_from_name(const char *name)
{
	if (name == NULL)
		return -EINVAL;
	for (size_t i = 0; i < N_ELEMS(facility_names); i++)
		if (strcasecmp(name, facility_names[i].name) == 0)
			return facility_names[i].value;
	return -EINVAL;
}

const char *log_facility_name(int facility)
{
	for (size_t i = 0; i < N_ELEMS(facility_names); i++)
		if (facility_names[i].value == facility)
			return facility_names[i].name;
	return NULL;
}

static bool facility_valid(int facility)
{
	return log_facility_name(facility) != NULL;
}

int log_init(struct log_ctx *lg, const char *ident, enum log_level level,
	     enum log_dest dest, int facility, int fd)
{
	if (lg == NULL || ident == NULL || (unsigned)level > LOG_LEVEL_DEBUG3)
		return -EINVAL;
	switch (dest) {
	case LOG_DEST_SYSLOG:
		if (!facility_valid(facility))
			return -EINVAL;
		fd = -1;
		break;
	case LOG_DEST_STDERR:
		fd = STDERR_FILENO;
		break;
	case LOG_DEST_PIPE:
		if (fd < 0)
			return -EINVAL;
		break;
	case LOG_DEST_FILE:	/* only through log_open_file */
	default:
		return -EINVAL;
	}
	memset(lg, 0, sizeof(*lg));
	lg->level = level;
	lg->dest = dest;
	lg->fd = fd;
	lg->own_fd = false;
	lg->facility = facility_valid(facility) ? facility : LOG_AUTH;
	snprintf(lg->ident, sizeof(lg->ident), "%s", ident);
	if (dest == LOG_DEST_SYSLOG)
		openlog(lg->ident, LOG_PID | LOG_NDELAY, lg->facility);
	return 0;
}

int log_open_file(struct log_ctx *lg, const char *path)
{
	if (lg == NULL || path == NULL)
		return -EINVAL;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0)
		return -errno;
	if (lg->own_fd)
		close(lg->fd);
	lg->dest = LOG_DEST_FILE;
	lg->fd = fd;
	lg->own_fd = true;
	return 0;
}

void log_close(struct log_ctx *lg)
{
	if (lg == NULL)
		return;
	if (lg->own_fd && lg->fd >= 0)
		close(lg->fd);
	if (lg->dest == LOG_DEST_SYSLOG)
		closelog();
	lg->fd = -1;
	lg->own_fd = false;
}

bool log_enabled(const struct log_ctx *lg, enum log_level level)
{
	return lg != NULL && level != LOG_LEVEL_QUIET && level <= lg->level;
}

size_t log_escape(char *out, size_t cap, const char *in, size_t len)
{
	size_t o = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x20 && c < 0x7f) {
			if (o + 1 >= cap)
				break;
			out[o++] = (char)c;
		} else {
			if (o + 4 >= cap)
				break;
			out[o++] = '\\';
			out[o++] = (char)('0' + ((c >> 6) & 7));
			out[o++] = (char)('0' + ((c >> 3) & 7));
			out[o++] = (char)('0' + (c & 7));
		}
	}
	out[o] = '\0';
	return o;
}

/* OpenSSH puts a word in front of every level but INFO and VERBOSE. */
static const char *level_prefix(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_FATAL:	return "fatal";
	case LOG_LEVEL_ERROR:	return "error";
	case LOG_LEVEL_DEBUG1:	return "debug1";
	case LOG_LEVEL_DEBUG2:	return "debug2";
	case LOG_LEVEL_DEBUG3:	return "debug3";
	default:		return NULL;
	}
}

static int syslog_priority(enum log_level level)
{
	switch (level) {
	case LOG_LEVEL_FATAL:	return LOG_CRIT;
	case LOG_LEVEL_ERROR:	return LOG_ERR;
	case LOG_LEVEL_INFO:
	case LOG_LEVEL_VERBOSE:	return LOG_INFO;
	default:		return LOG_DEBUG;
	}
}

/* One write(2) per line: lines from the processes that share a log file or a pipe stay
 * whole (a pipe write up to PIPE_BUF is atomic; O_APPEND writes are too). */
static void write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;	/* nowhere left to report it */
		p += n;
		len -= (size_t)n;
	}
}

/* Escaped text fits in 4x its length. */
#define ESCAPED_MAX (4 * LOG_TEXT_MAX + 1)

void log_text(const struct log_ctx *lg, enum log_level level, const char *tag,
	      const char *text, size_t len)
{
	char esc[ESCAPED_MAX];
	char line[ESCAPED_MAX + 64];
	int n;

	if (!log_enabled(lg, level))
		return;
	if (len > LOG_TEXT_MAX)
		len = LOG_TEXT_MAX;
	log_escape(esc, sizeof(esc), text, len);

	if (lg->dest == LOG_DEST_PIPE) {
		/* Framing read by log_relay: level digit, text, newline.  The tag is the
		 * monitor's business, so it is not sent. */
		n = snprintf(line, sizeof(line), "%c%s\n", '0' + (int)level, esc);
	} else {
		const char *pfx = level_prefix(level);
		n = snprintf(line, sizeof(line), "%s%s%s%s%s", pfx ? pfx : "", pfx ? ": " : "",
			     tag ? tag : "", tag ? " " : "", esc);
	}
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = (int)sizeof(line) - 1;

	switch (lg->dest) {
	case LOG_DEST_SYSLOG:
		syslog(lg->facility | syslog_priority(level), "%s", line);
		break;
	case LOG_DEST_STDERR:
	case LOG_DEST_FILE:
		if ((size_t)n + 1 < sizeof(line)) {
			line[n++] = '\n';
			line[n] = '\0';
		} else {
			line[n - 1] = '\n';
		}
		write_all(lg->fd, line, (size_t)n);
		break;
	case LOG_DEST_PIPE:
		write_all(lg->fd, line, (size_t)n);
		break;
	}
}

void log_vmsg(const struct log_ctx *lg, enum log_level level, const char *fmt, va_list ap)
{
	char msg[LOG_MSG_MAX + 1];
	int saved_errno = errno;	/* callers often log errno right after */

	if (!log_enabled(lg, level))
		return;
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > LOG_MSG_MAX)
		n = LOG_MSG_MAX;
	log_text(lg, level, NULL, msg, (size_t)n);
	errno = saved_errno;
}

void log_msg(const struct log_ctx *lg, enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lg, level, fmt, ap);
	va_end(ap);
}

void log_fatal(const struct log_ctx *lg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lg, LOG_LEVEL_FATAL, fmt, ap);
	va_end(ap);
	exit(255);
}
