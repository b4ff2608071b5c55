/* PidFile: written after the listening sockets are bound (so a reader that sees it can
 * connect), removed when the listener stops on SIGTERM. */
#ifndef MSSHD_PIDFILE_H
#define MSSHD_PIDFILE_H

#include <sys/types.h>

/* Writes "PID\n" to `path`, atomically (a temporary file in the same directory renamed
 * over it), mode 0644.  Returns 0 or a negative errno. */
int pidfile_write(const char *path, pid_t pid);

/* Removes `path` if it still names our pid (a newer instance's file is left alone).
 * Returns 0, -ESRCH when the file names another pid, or a negative errno. */
int pidfile_remove(const char *path, pid_t pid);

/* Reads the pid in `path`.  Returns 0 or -EBADMSG (not one decimal pid and a newline),
 * or a negative errno. */
int pidfile_read(const char *path, pid_t *pid);

#endif
