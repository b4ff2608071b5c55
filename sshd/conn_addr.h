/* The addresses of one connection, as both halves log and match them (SSH_CONNECTION,
 * "Connection from A port P on L port Q", Match Address/LocalAddress/LocalPort). */
#ifndef MSSHD_CONN_ADDR_H
#define MSSHD_CONN_ADDR_H

#include "sshd/conn_ctx.h"

/* Fills ctx->peer_addr/peer_port and ctx->local_addr/local_port from the socket `fd`
 * (getpeername/getsockname, numeric; IPv4-mapped IPv6 addresses shown as IPv4, as
 * OpenSSH does).  When fd is not an IP socket (sshd -i on a pipe) the addresses are
 * "UNKNOWN" and the ports 65535, OpenSSH's values.  Returns 0, or -ENOTSOCK in that
 * case (the fields are filled either way). */
int conn_addr_fill(struct sshd_conn_ctx *ctx, int fd);

#endif
