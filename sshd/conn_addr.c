/* Addresses of one connection.  See conn_addr.h. */
#include "sshd/conn_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* OpenSSH's answer for "no port": what get_peer_port() returns for a non-socket. */
#define CONN_ADDR_NO_PORT 65535

/* Numeric text and port of an IP socket address.  ::ffff:a.b.c.d is an IPv4 peer on a
 * dual-stack socket: it is shown as IPv4, so that logs and Match Address read the same
 * as on an IPv4 socket. */
static int numeric(const struct sockaddr_storage *ss, char *host, size_t hostlen, int *port)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		if (inet_ntop(AF_INET, &s4->sin_addr, host, (socklen_t)hostlen) == NULL)
			return -errno;
		*port = ntohs(s4->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		const char *ok = IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)
			? inet_ntop(AF_INET, &s6->sin6_addr.s6_addr[12], host, (socklen_t)hostlen)
			: inet_ntop(AF_INET6, &s6->sin6_addr, host, (socklen_t)hostlen);
		if (ok == NULL)
			return -errno;
		*port = ntohs(s6->sin6_port);
		return 0;
	}
	return -ENOTSOCK;
}

static int one_side(int fd, bool peer, char *host, size_t hostlen, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(&ss, 0, sizeof(ss));
	int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
		     : getsockname(fd, (struct sockaddr *)&ss, &len);
	if (r == 0 && len <= sizeof(ss) && numeric(&ss, host, hostlen, port) == 0)
		return 0;
	snprintf(host, hostlen, "UNKNOWN");
	*port = CONN_ADDR_NO_PORT;
	return -ENOTSOCK;
}

int conn_addr_fill(struct sshd_conn_ctx *ctx, int fd)
{
	int a = one_side(fd, true, ctx->peer_addr, sizeof(ctx->peer_addr), &ctx->peer_port);
	int b = one_side(fd, false, ctx->local_addr, sizeof(ctx->local_addr), &ctx->local_port);
	return a < 0 ? a : b;
}
