/* The listener (DESIGN §1): binds every ListenAddress/Port, accepts connections in a poll
 * loop, applies MaxStartups (start:rate:full random early drop) and hands each accepted
 * connection to a forked child.  Signals come in as flags through a signalfd (daemon.h):
 * the loop acts on them, never a handler.
 *
 * Parameters are explicit (addresses, MaxStartups numbers, the per-connection function),
 * so the caller can take them from its parsed configuration. */
#ifndef MSSHD_LISTENER_H
#define MSSHD_LISTENER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sshd/log.h"

#define LISTENER_MAX_SOCKS 64
#define LISTENER_STARTUPS_MAX 65536	/* cap on MaxStartups' "full" */

/* One ListenAddress: `host` is a numeric or resolvable name, NULL or "" for every
 * address of the family; `port` a decimal port ("0": the kernel picks one). */
struct listen_addr {
	const char *host;
	const char *port;
};

/* MaxStartups start:rate:full (OpenSSH default 10:30:100). */
struct maxstartups {
	int begin;
	int rate;	/* percent, 1..100 */
	int full;
};

struct listener_child {
	int startup_fd;	/* read end of the child's startup pipe */
	pid_t pid;
};

struct listener {
	int socks[LISTENER_MAX_SOCKS];
	int nsocks;
	struct maxstartups ms;
	struct listener_child *startups;	/* `ms.full` slots */
	int nstartups;
	unsigned long accepted, dropped;
	const struct log_ctx *log;
};

/* Binds and listens on every address (SO_REUSEADDR; IPV6_V6ONLY on IPv6 sockets, so
 * 0.0.0.0 and :: can both be bound).  `family` is AF_UNSPEC, AF_INET or AF_INET6
 * (AddressFamily).  As in OpenSSH, an address that cannot be bound is logged and skipped;
 * it is an error only when none could be.  Returns 0, -EADDRNOTAVAIL (none bound),
 * -EINVAL, or another negative errno. */
int listener_open(struct listener *l, const struct listen_addr *addrs, size_t naddrs,
		  int family, const struct maxstartups *ms, const struct log_ctx *lg);

/* Closes the listening sockets and the startup pipes (children go on running). */
void listener_close(struct listener *l);

/* Port number the i-th listening socket is bound to (for "Port 0" and tests). */
int listener_port(const struct listener *l, int i);

/* OpenSSH's drop decision: never below `begin`, always at `full` or more, in between
 * with a probability rising linearly from rate% to 100%.  `r` is uniform in 0..99. */
bool listener_should_drop(const struct maxstartups *ms, int startups, uint32_t r);

/* Serves one connection in a forked child: `sock` is the accepted socket, `startup_fd`
 * the write end of its startup pipe (to close once authenticated).  Every other
 * descriptor of the listener is closed and its signals released before this runs.
 * Usually calls reexec_connection; if it returns, the child exits with its value. */
typedef int (*listener_serve_fn)(void *arg, int sock, int startup_fd,
				 const struct sockaddr_storage *peer, socklen_t peerlen);

enum listener_stop {
	LISTENER_STOP_TERM = 1,	/* SIGTERM/SIGINT */
	LISTENER_STOP_HUP = 2,	/* SIGHUP */
};

/* The accept loop: runs until a signal read from `sigfd` (daemon_signals_open) asks to
 * stop, reaping children on SIGCHLD.  Returns LISTENER_STOP_TERM or LISTENER_STOP_HUP,
 * or a negative errno. */
int listener_run(struct listener *l, int sigfd, listener_serve_fn serve, void *arg);

#endif
