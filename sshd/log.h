/* Logging with OpenSSH's levels and line format, to syslog, stderr, a file, or (in the
 * net child) a pipe read by the monitor.
 *
 * All state lives in a struct log_ctx that the caller keeps in its per-process context
 * struct; there is no global logger.  syslog(3) itself keeps libc-global state, which is
 * why only one log_ctx per process should use LOG_DEST_SYSLOG. */
#ifndef MSSHD_LOG_H
#define MSSHD_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* OpenSSH's LogLevel values, from least to most verbose.  A message is written when its
 * level is not above the context's level; QUIET writes nothing at all. */
enum log_level {
	LOG_LEVEL_QUIET = 0,
	LOG_LEVEL_FATAL,
	LOG_LEVEL_ERROR,
	LOG_LEVEL_INFO,
	LOG_LEVEL_VERBOSE,
	LOG_LEVEL_DEBUG1,
	LOG_LEVEL_DEBUG2,
	LOG_LEVEL_DEBUG3,
};

enum log_dest {
	LOG_DEST_SYSLOG = 0,	/* the default of a daemon */
	LOG_DEST_STDERR,	/* -e, -d; -D only when syslog has no socket */
	LOG_DEST_FILE,		/* -E file, opened for appending */
	LOG_DEST_PIPE,		/* net child: framed lines re-logged by the monitor */
};

/* Longest message text kept, before escaping; longer messages are cut (as OpenSSH's
 * 1024-byte buffer does). */
#define LOG_MSG_MAX 1024
/* Longest text log_text accepts: a relayed net-child line is an escaped message, up to 4
 * bytes per original byte. */
#define LOG_TEXT_MAX (4 * LOG_MSG_MAX)

struct log_ctx {
	enum log_level level;
	enum log_dest dest;
	int fd;			/* STDERR/FILE/PIPE: where lines are written; -1 otherwise */
	bool own_fd;		/* fd was opened by log_open_file and is closed by log_close */
	int facility;		/* syslog facility (LOG_AUTH, ...) for LOG_DEST_SYSLOG */
	char ident[32];		/* program name: syslog ident */
};

/* Initialises *lg to log at `level` to `dest`.  For LOG_DEST_SYSLOG, `facility` is a
 * syslog(3) facility; for LOG_DEST_STDERR the fd is 2; for LOG_DEST_PIPE it is `fd`
 * (the write end given by privsep).  LOG_DEST_FILE is set with log_open_file.
 * Returns 0 or -EINVAL. */
int log_init(struct log_ctx *lg, const char *ident, enum log_level level,
	     enum log_dest dest, int facility, int fd);

/* Switches *lg to appending to `path` (created 0600 when missing), as `-E path` does.
 * Returns 0 or a negative errno; *lg is unchanged on failure. */
int log_open_file(struct log_ctx *lg, const char *path);

/* Closes what log_open_file opened and the syslog connection. */
void log_close(struct log_ctx *lg);

/* Whether a message at `level` would be written: lets callers skip costly formatting. */
bool log_enabled(const struct log_ctx *lg, enum log_level level);

/* Formats and writes one message.  Non-printable bytes are escaped as \ooo, so that a
 * peer's bytes quoted in a message cannot forge lines or terminal sequences. */
void log_msg(const struct log_ctx *lg, enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(const struct log_ctx *lg, enum log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Writes an already formatted message whose text may be untrusted (it is escaped, and cut
 * at LOG_TEXT_MAX bytes), with `tag` (may be NULL) put after the level word as "tag " —
 * the monitor uses this for "[net]" lines. */
void log_text(const struct log_ctx *lg, enum log_level level, const char *tag,
	      const char *text, size_t len);

/* Logs at FATAL and exits with status 255, as OpenSSH's fatal() does.  Only for the top
 * level of a program (main and the entry functions of child processes). */
void log_fatal(const struct log_ctx *lg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* sshd_config names: "QUIET".."DEBUG3" (and "DEBUG" = DEBUG1), "AUTH", "LOCAL0", ...,
 * matched case-insensitively.  Return the value, or -EINVAL for an unknown name. */
int log_level_from_name(const char *name);
const char *log_level_name(enum log_level level);
int log_facility_from_name(const char *name);
const char *log_facility_name(int facility);

/* Escapes `len` bytes of `in` into `out` (capacity `cap`, always NUL-terminated when
 * cap > 0): printable ASCII and space are kept, every other byte becomes \ooo.  Output
 * that does not fit is cut at a character boundary.  Returns the length written. */
size_t log_escape(char *out, size_t cap, const char *in, size_t len);

#endif
