/* What both halves of one connection know before the split (DESIGN §1): built by main.c
 * in the per-connection process (or the -i process) and handed to privsep_run as its
 * arg, so that netchild_main (privsep_net.arg) and monitor_loop (privsep_monitor.arg)
 * start from the same facts.  After the fork each process has its own copy; the monitor
 * applies the Match blocks to its configuration once the user is known, and sends the
 * net child the values of what it enforces (monitor.mpl's monitor_net_settings).
 *
 * The host private keys are NOT here: the monitor loads them itself after the fork
 * (monitor_loop), so the net child's address space never holds them. */
#ifndef MSSHD_CONN_CTX_H
#define MSSHD_CONN_CTX_H

#include <stdbool.h>

#include "sshd/config.h"
#include "sshd/log.h"

#define CONN_CTX_ADDR_MAX 64	/* numeric IPv4/IPv6 text, NUL included */

struct sshd_conn_ctx {
	struct sshd_config *cfg;		/* finished global configuration */
	struct sshd_config_source *src;		/* its text, for Match once the user is known */
	const struct sshd_algo_sets *algs;	/* what sshd_config_finish resolved against */
	struct log_ctx *log;			/* the monitor's log (the net child's
						   is its own); LogLevel of a Match
						   block changes its level */
	char peer_addr[CONN_CTX_ADDR_MAX];	/* "UNKNOWN" when not a socket (-i on a pipe) */
	int peer_port;
	char local_addr[CONN_CTX_ADDR_MAX];
	int local_port;
	bool privileged;			/* euid 0: chroot, uid change, setuid for sessions */
	bool inetd;				/* -i */
	int startup_fd;				/* REEXEC_STARTUP_FD to close once authenticated,
						   or -1 */
	void *net_private;			/* the net child's own: netchild_prepare sets it
						   in the child's copy for netchild_main */
};

#endif
