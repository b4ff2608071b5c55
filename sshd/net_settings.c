/* The monitor's settings for this connection, applied by the net child
 * (net_settings.h). */
#include "sshd/net_settings.h"

#include <errno.h>
#include <limits.h>

#include "sshd/transport.h"

int net_settings_apply(struct conn *c, struct mon_net_settings *s)
{
	/* mon_user checked the ranges; these are only what the fields below can hold */
	if (c == NULL || c->cfg == NULL || c->log == NULL || s == NULL ||
	    s->max_authtries > INT_MAX || s->rekey_bytes > INT64_MAX ||
	    s->rekey_seconds > INT_MAX || s->client_alive_interval > INT_MAX ||
	    s->client_alive_count_max > INT_MAX || s->log_level > LOG_LEVEL_DEBUG3)
		return -EINVAL;
	struct sshd_config *cfg = c->cfg;
	cfg->max_authtries = (int)s->max_authtries;
	cfg->rekey_limit = (int64_t)s->rekey_bytes;
	cfg->rekey_interval = (int)s->rekey_seconds;
	cfg->client_alive_interval = (int)s->client_alive_interval;
	cfg->client_alive_count_max = (int)s->client_alive_count_max;
	sshd_strlist_free(&cfg->accept_env);
	cfg->accept_env = s->accept_env;
	s->accept_env = (struct sshd_strlist){ NULL, 0 };
	if (c->tr != NULL) {
		int rc = transport_set_rekey_limits(c, s->rekey_bytes, s->rekey_seconds);
		if (rc < 0)
			return rc;
	}
	c->log->level = s->log_level;
	log_msg(c->log, LOG_LEVEL_DEBUG3, "settings from the monitor: MaxAuthTries %u, "
		"RekeyLimit %llu %u, ClientAliveInterval %u, ClientAliveCountMax %u, "
		"LogLevel %s, %zu AcceptEnv patterns", s->max_authtries,
		(unsigned long long)s->rekey_bytes, s->rekey_seconds,
		s->client_alive_interval, s->client_alive_count_max,
		log_level_name(s->log_level), cfg->accept_env.n);
	return 0;
}
