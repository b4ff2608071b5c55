/* Helpers shared by the regress/os tests: the sandbox user, a scratch chroot directory,
 * bounded waits for child processes, and descriptor counting. */
#ifndef MSSHD_OS_TEST_UTIL_H
#define MSSHD_OS_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define OS_TEST_USER "sshd"

/* As root: makes sure OS_TEST_USER exists (useradd --system when missing).
 * Returns 0, or -1 when it could not be created. */
int os_test_ensure_user(void);

/* As root: a fresh empty directory under /run, mode 0755 (buf gets its path).
 * Returns 0 or -1. */
int os_test_make_chroot(char *buf, size_t cap);

/* waitpid bounded by `ms`; on timeout the child is SIGKILLed and reaped, and -1 returned.
 * Returns 0 with *status filled. */
int os_test_wait(pid_t pid, int ms, int *status);

/* Number of open descriptors of this process. */
int os_test_count_fds(void);

/* Reads a "Key:\tvalue" line of /proc/PID/status into buf; returns 0 or -1. */
int os_test_proc_status(pid_t pid, const char *key, char *buf, size_t cap);

/* Reads a whole small file into buf (NUL-terminated); returns its length or -1. */
long os_test_read_file(const char *path, char *buf, size_t cap);

#endif
