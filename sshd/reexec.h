/* Re-executing our own binary: once per connection (the session monitor starts from a
 * fresh address space, as OpenSSH's rexec does) and for SIGHUP.
 *
 * The binary is opened through /proc/self/exe at start-up, so connections are still
 * served after the file was deleted or replaced (OpenSSH's reexec regress test).  The
 * configuration, already parsed and checked by the listener, travels in a sealed memfd
 * as the texts of every file the listener read, Includes too (sshd_config_source_pack),
 * so the child never reads sshd_config or an included file (which may have changed, or
 * become invalid, since the listener started).
 *
 * Descriptor layout of a per-connection child at execve:
 *   0, 1   /dev/null
 *   2      the listener's stderr (a log destination with -e/-d; /dev/null when daemonised)
 *   3      REEXEC_SOCK_FD     the accepted TCP socket
 *   4      REEXEC_CONFIG_FD   sealed memfd holding the configuration (packed texts)
 *   5      REEXEC_STARTUP_FD  write end of the startup pipe: the child closes it once the
 *                             connection is authenticated (or ends), which frees its
 *                             MaxStartups slot in the listener
 * Everything else is closed. */
#ifndef MSSHD_REEXEC_H
#define MSSHD_REEXEC_H

#include <stddef.h>

#define REEXEC_SOCK_FD 3
#define REEXEC_CONFIG_FD 4
#define REEXEC_STARTUP_FD 5
#define REEXEC_CONFIG_MAX (16 * 1024 * 1024)

/* Opens our own executable (close-on-exec).  Call early, before anything could replace
 * it.  Returns the fd or a negative errno. */
int reexec_self_open(void);

/* A sealed (no write, no resize) memfd holding `len` bytes of configuration.  Returns the
 * fd (close-on-exec) or a negative errno; -EMSGSIZE above REEXEC_CONFIG_MAX. */
int reexec_config_memfd(const char *text, size_t len);

/* In a child forked for one connection: puts `sock`, `config_fd` and `startup_fd` in the
 * layout above and executes the binary `self_fd` with `argv` (the caller marks it as a
 * per-connection child, e.g. OpenSSH's -R).  Never returns: _exit(255) on failure. */
void reexec_connection(int self_fd, char *const argv[], int sock, int config_fd,
		       int startup_fd) __attribute__((noreturn));

/* In the re-executed child: reads the configuration bytes from REEXEC_CONFIG_FD into a
 * NUL-terminated malloc'd buffer (*text, *len) and closes that fd.  Returns 0, -EBADF
 * when the layout is missing, -EMSGSIZE, or another negative errno. */
int reexec_read_config(char **text, size_t *len);

/* SIGHUP: executes argv again (the listener starts over: re-reads its configuration,
 * re-binds, rewrites the PidFile).  argv[0] is used when it is an absolute path, so that
 * an upgraded binary takes over, as with OpenSSH; otherwise, or if that fails, the binary
 * open at `self_fd`.  Returns only on failure, with a negative errno. */
int reexec_restart(int self_fd, char *const argv[]);

#endif
