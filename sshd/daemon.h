/* Becoming a daemon, and signals as flags.
 *
 * Signals never run code here: the ones the listener acts on are blocked and read from a
 * signalfd that the accept loop polls, and reading it only sets flags in the caller's
 * struct.  So nothing async-signal-unsafe can run in a handler (regreSSHion, CVE-2024-6387)
 * and no global is needed to reach the flags.  A signal that arrives while the listener
 * re-executes itself stays pending across execve and is read by the new image. */
#ifndef MSSHD_DAEMON_H
#define MSSHD_DAEMON_H

#include <signal.h>
#include <stdbool.h>

/* Forks; the parent exits 0 at once, the child starts a new session, changes to "/" and
 * puts /dev/null on stdin, stdout and (unless keep_stderr) stderr.  Returns 0 in the
 * child, a negative errno when it could not detach (nothing forked then). */
int daemon_detach(bool keep_stderr);

/* What the accept loop acts on. */
struct daemon_flags {
	bool term;	/* SIGTERM or SIGINT: remove PidFile and exit */
	bool hup;	/* SIGHUP: re-execute with the original argv */
	bool chld;	/* SIGCHLD: reap children */
};

/* Blocks SIGTERM, SIGINT, SIGHUP and SIGCHLD, ignores SIGPIPE, and returns a non-blocking
 * close-on-exec signalfd for them (or a negative errno). */
int daemon_signals_open(void);

/* Reads every pending signal from `sigfd` and sets the matching flags (never clears one).
 * Returns the number of signals read, or a negative errno. */
int daemon_signals_read(int sigfd, struct daemon_flags *flags);

/* In a child forked by the listener: restores the default disposition and an empty mask
 * for the signals daemon_signals_open took over, so the child (or the program it
 * executes) receives them normally. */
void daemon_signals_release(void);

#endif
