/* ClientAliveInterval / ClientAliveCountMax in the net child (client_alive.h). */
#include "sshd/client_alive.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

void client_alive_heard(struct conn *c)
{
	c->alive_since_ms = c->now_ms;
	c->alive_missed = 0;
}

void client_alive_bytes_in(struct conn *c)
{
	c->alive_since_ms = c->now_ms;
}

void client_alive_answered(struct conn *c)
{
	if (c->alive_awaited > 0)
		c->alive_awaited--;
}

/* The request itself; nothing is sent while a key exchange runs (T3: layers.spl lets
 * no connection-layer message through) or while CLIENT_ALIVE_MAX_AWAITED are
 * unanswered, and a full send queue only means the client is not reading. */
static int send_keepalive(struct conn *c)
{
	if (c->kex_active || c->tx_kex) {
		log_msg(c->log, LOG_LEVEL_DEBUG2, "keepalive not sent: key exchange running");
		return 0;
	}
	if (c->alive_awaited >= CLIENT_ALIVE_MAX_AWAITED) {
		log_msg(c->log, LOG_LEVEL_DEBUG2, "keepalive not sent: %u unanswered",
			c->alive_awaited);
		return 0;
	}
	struct ssh_msg m;
	ssh_msg_init(&m, ssh_msg_Global_Request_Keepalive);
	m.u.Global_Request_Keepalive.request = mpl_bytes_str("keepalive@openssh.com");
	m.u.Global_Request_Keepalive.want_reply = true;
	int rc = conn_send(c, &m, NULL);
	if (rc == -ENOSPC) {
		log_msg(c->log, LOG_LEVEL_DEBUG2, "keepalive not sent: send queue full");
		return 0;
	}
	if (rc < 0)
		return conn_disconnect(c, rc, SSH_DISCONNECT_BY_APPLICATION,
				       "cannot send keepalive: %s", strerror(-rc));
	c->alive_awaited++;
	log_msg(c->log, LOG_LEVEL_DEBUG1, "client_alive: sent keepalive@openssh.com "
		"(%u silent interval%s)", c->alive_missed, c->alive_missed == 1 ? "" : "s");
	return 0;
}

int client_alive_tick(struct conn *c, int *next_ms)
{
	if (c == NULL || c->cfg == NULL)
		return -EINVAL;
	/* OpenSSH runs the check only in the server loop, after authentication. */
	if (!c->authenticated || c->closing || c->cfg->client_alive_interval <= 0)
		return 0;
	uint64_t interval = (uint64_t)c->cfg->client_alive_interval * 1000u;
	uint64_t due = c->alive_since_ms + interval;
	if (c->now_ms < due) {
		uint64_t left = due - c->now_ms;
		if (next_ms != NULL && (*next_ms < 0 || left < (uint64_t)*next_ms))
			*next_ms = left > INT_MAX ? INT_MAX : (int)left;
		return 0;
	}
	/* The next interval runs from this request, as OpenSSH's last_client_time. */
	c->alive_since_ms = c->now_ms;
	if (c->alive_missed < UINT_MAX)
		c->alive_missed++;
	int max = c->cfg->client_alive_count_max;
	if (max > 0 && c->alive_missed > (unsigned)max) {
		/* OpenSSH logs this and exits (cleanup_exit(255)): no DISCONNECT. */
		log_msg(c->log, LOG_LEVEL_INFO, "Timeout, client not responding from user %s "
			"%s port %d", c->user, c->ctx != NULL ? c->ctx->peer_addr : "UNKNOWN",
			c->ctx != NULL ? c->ctx->peer_port : 0);
		c->closing = true;
		c->exit_status = 255;
		return -ETIMEDOUT;
	}
	int rc = send_keepalive(c);
	if (rc < 0)
		return rc;
	if (next_ms != NULL && (*next_ms < 0 || interval < (uint64_t)*next_ms))
		*next_ms = interval > INT_MAX ? INT_MAX : (int)interval;
	return 0;
}
