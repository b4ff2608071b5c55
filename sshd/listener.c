/* The listener: bind, accept loop, MaxStartups.  See listener.h. */
#include "sshd/listener.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sshd/daemon.h"

/* OpenSSH's SSH_LISTEN_BACKLOG */
#define LISTEN_BACKLOG 128

static bool ms_valid(const struct maxstartups *ms)
{
	return ms->begin >= 0 && ms->rate >= 1 && ms->rate <= 100 && ms->full >= 1 &&
	       ms->begin <= ms->full && ms->full <= LISTENER_STARTUPS_MAX;
}

bool listener_should_drop(const struct maxstartups *ms, int startups, uint32_t r)
{
	if (startups < ms->begin)
		return false;
	if (startups >= ms->full)
		return true;
	if (ms->rate >= 100)
		return true;
	/* rises from rate% at `begin` towards 100% at `full` */
	long p = 100 - ms->rate;
	p *= startups - ms->begin;
	p /= ms->full - ms->begin;
	p += ms->rate;
	return (long)r < p;
}

static void addr_text(const struct sockaddr *sa, socklen_t len, char *host, size_t hcap,
		      char *port, size_t pcap)
{
	if (getnameinfo(sa, len, host, (socklen_t)hcap, port, (socklen_t)pcap,
			NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(host, hcap, "UNKNOWN");
		snprintf(port, pcap, "0");
	}
}

static int bind_one(struct listener *l, const struct addrinfo *ai)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];
	int one = 1;

	addr_text(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), port, sizeof(port));
	if (l->nsocks >= LISTENER_MAX_SOCKS) {
		log_msg(l->log, LOG_LEVEL_ERROR, "Too many listen sockets. Enlarge LISTENER_MAX_SOCKS");
		return -ENOSPC;
	}
	int s = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0) {
		int r = -errno;
		log_msg(l->log, LOG_LEVEL_VERBOSE, "socket: %s", strerror(-r));
		return r;
	}
	/* a restart must not wait for old connections in TIME_WAIT */
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		log_msg(l->log, LOG_LEVEL_ERROR, "setsockopt SO_REUSEADDR: %s", strerror(errno));
	/* an IPv6 socket for :: must not also take IPv4, or 0.0.0.0 could not be bound */
	if (ai->ai_family == AF_INET6 &&
	    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		log_msg(l->log, LOG_LEVEL_ERROR, "setsockopt IPV6_V6ONLY: %s", strerror(errno));
	if (bind(s, ai->ai_addr, ai->ai_addrlen) < 0 || listen(s, LISTEN_BACKLOG) < 0) {
		int r = -errno;
		log_msg(l->log, LOG_LEVEL_ERROR, "Bind to port %s on %s failed: %s.", port, host,
			strerror(-r));
		close(s);
		return r;
	}
	l->socks[l->nsocks++] = s;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(s, (struct sockaddr *)&ss, &sl) == 0)
		addr_text((struct sockaddr *)&ss, sl, host, sizeof(host), port, sizeof(port));
	log_msg(l->log, LOG_LEVEL_INFO, "Server listening on %s port %s.", host, port);
	return 0;
}

int listener_open(struct listener *l, const struct listen_addr *addrs, size_t naddrs,
		  int family, const struct maxstartups *ms, const struct log_ctx *lg)
{
	if (l == NULL || addrs == NULL || naddrs == 0 || ms == NULL || !ms_valid(ms) ||
	    (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->log = lg;
	l->ms = *ms;
	if (sodium_init() < 0)
		return -ENOSYS;
	l->startups = calloc((size_t)ms->full, sizeof(l->startups[0]));
	if (l->startups == NULL)
		return -ENOMEM;

	for (size_t i = 0; i < naddrs; i++) {
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = family;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		const char *host = addrs[i].host && addrs[i].host[0] ? addrs[i].host : NULL;
		int g = getaddrinfo(host, addrs[i].port ? addrs[i].port : "22", &hints, &res);
		if (g != 0) {
			log_msg(lg, LOG_LEVEL_ERROR, "bad addr or host: %s (%s)",
				host ? host : "(any)", gai_strerror(g));
			continue;
		}
		for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next)
			if (ai->ai_family == AF_INET || ai->ai_family == AF_INET6)
				(void)bind_one(l, ai);
		freeaddrinfo(res);
	}
	if (l->nsocks == 0) {
		log_msg(lg, LOG_LEVEL_ERROR, "Cannot bind any address.");
		free(l->startups);
		l->startups = NULL;
		return -EADDRNOTAVAIL;
	}
	return 0;
}

void listener_close(struct listener *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < l->nsocks; i++)
		close(l->socks[i]);
	l->nsocks = 0;
	for (int i = 0; i < l->nstartups; i++)
		close(l->startups[i].startup_fd);
	l->nstartups = 0;
	free(l->startups);
	l->startups = NULL;
}

int listener_port(const struct listener *l, int i)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (l == NULL || i < 0 || i >= l->nsocks)
		return -EINVAL;
	if (getsockname(l->socks[i], (struct sockaddr *)&ss, &sl) < 0)
		return -errno;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return -EAFNOSUPPORT;
}

static void reap_children(struct listener *l)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (WIFSIGNALED(st))
			log_msg(l->log, LOG_LEVEL_DEBUG1, "child %ld killed by signal %d", (long)pid,
				WTERMSIG(st));
		else
			log_msg(l->log, LOG_LEVEL_DEBUG2, "child %ld exited with status %d", (long)pid,
				WEXITSTATUS(st));
	}
}

static void startup_done(struct listener *l, int i)
{
	close(l->startups[i].startup_fd);
	l->startups[i] = l->startups[--l->nstartups];
}

/* In the forked child: nothing of the listener may stay open there. */
static void __attribute__((noreturn))
run_child(struct listener *l, int sigfd, int sock, int up_rd, int up_wr,
	  listener_serve_fn serve, void *arg, const struct sockaddr_storage *peer, socklen_t plen)
{
	daemon_signals_release();
	close(sigfd);
	close(up_rd);
	for (int i = 0; i < l->nsocks; i++)
		close(l->socks[i]);
	for (int i = 0; i < l->nstartups; i++)
		close(l->startups[i].startup_fd);
	_exit(serve(arg, sock, up_wr, peer, plen) & 0xff);
}

static void accept_one(struct listener *l, int ls, int sigfd, listener_serve_fn serve, void *arg)
{
	struct sockaddr_storage peer, local;
	socklen_t plen = sizeof(peer), llen = sizeof(local);
	char ph[NI_MAXHOST], pp[NI_MAXSERV], lh[NI_MAXHOST], lp[NI_MAXSERV];

	int s = accept4(ls, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	if (s < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
		    errno != ECONNABORTED)
			log_msg(l->log, LOG_LEVEL_ERROR, "accept: %s", strerror(errno));
		return;
	}
	addr_text((struct sockaddr *)&peer, plen, ph, sizeof(ph), pp, sizeof(pp));
	if (getsockname(s, (struct sockaddr *)&local, &llen) < 0) {
		memset(&local, 0, sizeof(local));
		llen = sizeof(local);
	}
	addr_text((struct sockaddr *)&local, llen, lh, sizeof(lh), lp, sizeof(lp));

	if (listener_should_drop(&l->ms, l->nstartups, randombytes_uniform(100))) {
		log_msg(l->log, LOG_LEVEL_INFO,
			"drop connection #%d from [%s]:%s on [%s]:%s past MaxStartups",
			l->nstartups, ph, pp, lh, lp);
		l->dropped++;
		close(s);
		return;
	}

	int up[2];
	if (pipe2(up, O_CLOEXEC) < 0) {
		log_msg(l->log, LOG_LEVEL_ERROR, "pipe: %s", strerror(errno));
		close(s);
		return;
	}
	pid_t pid = fork();
	if (pid == 0)
		run_child(l, sigfd, s, up[0], up[1], serve, arg, &peer, plen);
	close(s);
	close(up[1]);
	if (pid < 0) {
		log_msg(l->log, LOG_LEVEL_ERROR, "fork: %s", strerror(errno));
		close(up[0]);
		return;
	}
	l->startups[l->nstartups].startup_fd = up[0];
	l->startups[l->nstartups].pid = pid;
	l->nstartups++;
	l->accepted++;
	log_msg(l->log, LOG_LEVEL_DEBUG1, "Forked child %ld for connection from %s port %s on %s port %s",
		(long)pid, ph, pp, lh, lp);
}

int listener_run(struct listener *l, int sigfd, listener_serve_fn serve, void *arg)
{
	if (l == NULL || sigfd < 0 || serve == NULL || l->nsocks == 0 || l->startups == NULL)
		return -EINVAL;
	size_t cap = 1 + (size_t)l->nsocks + (size_t)l->ms.full;
	struct pollfd *pf = calloc(cap, sizeof(*pf));
	if (pf == NULL)
		return -ENOMEM;

	int ret;
	for (;;) {
		struct daemon_flags flags = { 0 };
		nfds_t n = 0;
		pf[n++] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
		for (int i = 0; i < l->nsocks; i++)
			pf[n++] = (struct pollfd){ .fd = l->socks[i], .events = POLLIN };
		for (int i = 0; i < l->nstartups; i++)
			pf[n++] = (struct pollfd){ .fd = l->startups[i].startup_fd, .events = POLLIN };

		if (poll(pf, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (pf[0].revents) {
			int r = daemon_signals_read(sigfd, &flags);
			if (r < 0) {
				ret = r;
				break;
			}
			if (flags.chld)
				reap_children(l);
			if (flags.term) {
				ret = LISTENER_STOP_TERM;
				break;
			}
			if (flags.hup) {
				ret = LISTENER_STOP_HUP;
				break;
			}
		}
		/* free slots first (from the end: startup_done moves the last entry) */
		for (int i = l->nstartups - 1; i >= 0; i--)
			if (pf[1 + l->nsocks + i].revents)
				startup_done(l, i);
		for (int i = 0; i < l->nsocks; i++)
			if (pf[1 + i].revents & POLLIN)
				accept_one(l, l->socks[i], sigfd, serve, arg);
	}
	free(pf);
	return ret;
}
