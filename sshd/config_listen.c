/*
 * ListenAddress resolution: once the file is read (Port and AddressFamily may come after
 * ListenAddress), each address is resolved for its port or for every Port, in the order
 * OpenSSH binds and prints them (-T "listenaddress 1.2.3.4:22", "[::1]:22").
 */
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sshd/config_int.h"

static int
add_one(struct sshd_config *c, const char *addr, int port, const struct sshd_config_log *log)
{
	struct addrinfo hints, *top = NULL, *ai;
	struct sshd_listen_addr *la;
	char portstr[16];
	size_t n = 0, base;
	int r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = c->address_family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = (addr == NULL ? AI_PASSIVE : 0) |
	    (c->listen_numeric_only ? AI_NUMERICHOST : 0);
	snprintf(portstr, sizeof(portstr), "%d", port);
	if ((r = getaddrinfo(addr, portstr, &hints, &top)) != 0) {
		cfg_log(log, SSHD_LOG_FATAL, "bad addr or host: %s (%s)",
		    addr != NULL ? addr : "<NULL>", gai_strerror(r));
		return -EBADMSG;
	}
	for (ai = top; ai != NULL; ai = ai->ai_next)
		n++;
	if (c->nlisten_addrs + n > SSHD_CONFIG_MAX_LIST ||
	    (la = realloc(c->listen_addrs, (c->nlisten_addrs + n) * sizeof(*la))) == NULL) {
		freeaddrinfo(top);
		cfg_log(log, SSHD_LOG_FATAL, "too many listen addresses");
		return -ENOSPC;
	}
	c->listen_addrs = la;
	base = c->nlisten_addrs;
	/*
	 * OpenSSH pushes each getaddrinfo() result list onto a stack and prints the stack
	 * reversed: lists in the order added, the entries of one list reversed.
	 */
	n = 0;
	for (ai = top; ai != NULL; ai = ai->ai_next) {
		struct sshd_listen_addr *e;
		char host[NI_MAXHOST], serv[NI_MAXSERV];

		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), serv,
		    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0 ||
		    strlen(host) >= sizeof(e->host))
			continue;
		n++;
	}
	{
		size_t k = base + n;
		for (ai = top; ai != NULL; ai = ai->ai_next) {
			struct sshd_listen_addr *e;
			char host[NI_MAXHOST], serv[NI_MAXSERV];

			if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), serv,
			    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0 ||
			    strlen(host) >= sizeof(e->host))
				continue;
			e = &la[--k];
			memset(e, 0, sizeof(*e));
			e->family = ai->ai_family;
			strcpy(e->host, host);
			e->port = atoi(serv);
		}
	}
	c->nlisten_addrs = base + n;
	freeaddrinfo(top);
	return 0;
}

int
cfg_resolve_listen(struct sshd_config *c, const struct sshd_config_log *log)
{
	int r;

	if (c->listen_resolved)
		return 0;
	c->listen_resolved = 1;
	for (size_t i = 0; i < c->nlisten_specs; i++) {
		const struct sshd_listen_spec *ls = &c->listen_specs[i];
		if (ls->port > 0) {
			if ((r = add_one(c, ls->addr, ls->port, log)) != 0)
				return r;
			continue;
		}
		for (size_t p = 0; p < c->nports; p++)
			if ((r = add_one(c, ls->addr, c->ports[p], log)) != 0)
				return r;
	}
	if (c->nlisten_specs == 0)
		for (size_t p = 0; p < c->nports; p++)
			if ((r = add_one(c, NULL, c->ports[p], log)) != 0)
				return r;
	return 0;
}
