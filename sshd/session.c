/* The requests of a session channel (session.h). */
#include "sshd/session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sshd/config.h"
#include "sshd/mon_client.h"
#include "sshd/session_spawn.h"

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
}

void session_clear(struct session *s)
{
	free(s->env);
	free(s->modes);
	memset(s, 0, sizeof(*s));
}

/* A view as a C string in buf, refused when it holds a NUL or does not fit: names and
 * signal names are compared and matched as C strings, so an embedded NUL would make
 * the check see another name than the one stored. */
static bool view_cstr(struct mpl_bytes v, char *buf, size_t cap)
{
	if (v.len >= cap || (v.len > 0 && memchr(v.ptr, '\0', v.len) != NULL))
		return false;
	if (v.len > 0)
		memcpy(buf, v.ptr, v.len);
	buf[v.len] = '\0';
	return true;
}

static bool env_accepted(const struct sshd_config *cfg, const char *name)
{
	if (cfg == NULL)
		return false;
	for (size_t i = 0; i < cfg->accept_env.n; i++)
		if (sshd_match_pattern_list(name, cfg->accept_env.v[i], 0) == 1)
			return true;
	return false;
}

static int env_request(struct session *s, struct conn *c,
		       const struct ssh_msg_Channel_Request_Env *r)
{
	char name[SESSION_ENV_NAME_MAX + 1];
	if (s->started) {
		/* The process has its environment already. */
		log_msg(c->log, LOG_LEVEL_DEBUG1, "env request after the session started");
		return 0;
	}
	if (r->name.len == 0 || !view_cstr(r->name, name, sizeof(name)) ||
	    strchr(name, '=') != NULL ||
	    (r->value.len > 0 && memchr(r->value.ptr, '\0', r->value.len) != NULL)) {
		log_msg(c->log, LOG_LEVEL_DEBUG1, "env request with a malformed name or value");
		return 0;
	}
	if (!env_accepted(c->cfg, name)) {
		log_msg(c->log, LOG_LEVEL_DEBUG2, "Ignoring env request %s: disallowed name",
			name);
		return 0;
	}
	/* Each record: two string32 fields. */
	size_t need = 8 + r->name.len + r->value.len;
	if (s->n_env >= SESSION_ENV_MAX_VARS || need > SESSION_ENV_MAX_BYTES - s->env_len) {
		log_msg(c->log, LOG_LEVEL_DEBUG1, "Ignoring env request %s: too many variables",
			name);
		return 0;
	}
	if (s->env_cap - s->env_len < need) {
		size_t cap = s->env_cap ? s->env_cap : 1024;
		while (cap - s->env_len < need)
			cap *= 2;
		if (cap > SESSION_ENV_MAX_BYTES)
			cap = SESSION_ENV_MAX_BYTES;
		uint8_t *p = realloc(s->env, cap);
		if (p == NULL)
			return -ENOMEM;
		s->env = p;
		s->env_cap = cap;
	}
	struct mpl_writer w;
	struct monitor_env e = { .name = r->name, .value = r->value };
	mpl_writer_init(&w, s->env + s->env_len, s->env_cap - s->env_len, 0, 0);
	size_t len;
	if (monitor_env_pack(&w, &e, NULL) < 0 || mpl_writer_finish(&w, &len) < 0)
		return -EINVAL;
	s->env_len += len;
	s->n_env++;
	log_msg(c->log, LOG_LEVEL_DEBUG2, "Setting env %u: %s", s->n_env, name);
	return 1;
}

static const struct sshd_subsystem *find_subsystem(const struct sshd_config *cfg,
						   const char *name)
{
	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; i < cfg->nsubsystems; i++)
		if (strcmp(cfg->subsystems[i].name, name) == 0)
			return &cfg->subsystems[i];
	return NULL;
}

/* shell, exec or subsystem: the monitor starts the process and hands back its fds. */
static int start(struct session *s, struct conn *c, uint8_t kind, struct mpl_bytes command,
		 int fds[3])
{
	struct monitor_msg_Monitor_SessionRequest req;
	memset(&req, 0, sizeof(req));
	req.session_kind = kind;
	req.command = command;
	req.want_pty = s->want_pty;
	req.term = (struct mpl_bytes){ (const uint8_t *)s->term, s->term_len };
	req.width_chars = s->cols;
	req.height_rows = s->rows;
	req.width_pixels = s->xpixels;
	req.height_pixels = s->ypixels;
	req.modes = (struct mpl_bytes){ s->modes != NULL ? s->modes : (const uint8_t *)"",
					s->modes_len };
	req.num_env = s->n_env;
	req.env = (struct mpl_bytes){ s->env != NULL ? s->env : (const uint8_t *)"", s->env_len };
	req.agent_forwarding = false;

	uint32_t id = 0;
	int got[3] = { -1, -1, -1 };
	size_t n = 0;
	int rc = mon_session(c->mon, &req, &id, got, &n);
	if (rc < 0 && mon_client_ok(c->mon)) {
		/* The monitor answered with a refusal (not allowed, MaxSessions reached, no
		 * pty left, malformed modes, a spawn that failed): this request fails, the
		 * connection and its other channels go on, as OpenSSH's do. */
		log_msg(c->log, LOG_LEVEL_INFO, "session refused by the monitor: %s",
			strerror(-rc));
		return 0;
	}
	if (rc < 0) {
		log_msg(c->log, LOG_LEVEL_ERROR, "session request to the monitor failed: %s",
			strerror(-rc));
		return rc;
	}
	if (n != (s->want_pty ? 1u : 3u)) {
		/* Three without a pty, the master with one; anything else is not ours to
		 * guess (mon_session checked it already). */
		log_msg(c->log, LOG_LEVEL_ERROR, "monitor passed %zu fds for a session", n);
		for (size_t i = 0; i < n && i < 3; i++)
			if (got[i] >= 0)
				close(got[i]);
		return -EPROTO;
	}
	s->started = true;
	s->id = id;
	if (s->want_pty) {
		/* the master: the process's output is read from it, the client's data
		 * written to it; a pty has no separate stderr */
		fds[0] = fds[1] = got[0];
		fds[2] = -1;
	} else {
		memcpy(fds, got, sizeof(got));
	}
	/* The environment and the modes went out with the request. */
	free(s->env);
	s->env = NULL;
	s->env_len = s->env_cap = 0;
	free(s->modes);
	s->modes = NULL;
	s->modes_len = 0;
	return 1;
}

static int pty_request(struct session *s, struct conn *c,
		       const struct ssh_msg_Channel_Request_PtyReq *r)
{
	if (s->want_pty) {
		log_msg(c->log, LOG_LEVEL_INFO, "pty-req: a second one on the channel refused");
		return 0;
	}
	if (s->started) {
		/* channel.spl takes pty-req only before the start: not reached */
		return 0;
	}
	if (!view_cstr(r->term, s->term, sizeof(s->term))) {
		log_msg(c->log, LOG_LEVEL_INFO, "pty-req with a malformed terminal type");
		return 0;
	}
	if (r->modes.len > SESSION_MODES_MAX) {
		log_msg(c->log, LOG_LEVEL_INFO, "pty-req with %zu bytes of modes refused",
			r->modes.len);
		return 0;
	}
	/* no-pty, restrict, PermitTTY: the monitor's to decide, and a refusal is the
	 * answer to this request (the client goes on without a pty) */
	bool allowed = false;
	int rc = mon_pty_allowed(c->mon, &allowed);
	if (rc < 0)
		return rc;
	if (!allowed) {
		log_msg(c->log, LOG_LEVEL_INFO, "pty-req refused by the monitor");
		return 0;
	}
	if (r->modes.len > 0) {
		if ((s->modes = malloc(r->modes.len)) == NULL)
			return -ENOMEM;
		memcpy(s->modes, r->modes.ptr, r->modes.len);
	}
	s->modes_len = r->modes.len;
	s->term_len = r->term.len;
	s->cols = r->width_chars;
	s->rows = r->height_rows;
	s->xpixels = r->width_pixels;
	s->ypixels = r->height_pixels;
	s->want_pty = true;
	log_msg(c->log, LOG_LEVEL_DEBUG1, "pty-req: %s %ux%u, %zu bytes of modes", s->term,
		s->cols, s->rows, s->modes_len);
	return 1;
}

static int exec_request(struct session *s, struct conn *c,
			const struct ssh_msg_Channel_Request_Exec *r, int fds[3])
{
	if (r->command.len > 0 && memchr(r->command.ptr, '\0', r->command.len) != NULL) {
		log_msg(c->log, LOG_LEVEL_INFO, "exec request with a NUL in the command");
		return 0;
	}
	return start(s, c, MONITOR_SESSION_EXEC, r->command, fds);
}

static int subsystem_request(struct session *s, struct conn *c,
			     const struct ssh_msg_Channel_Request_Subsystem *r, int fds[3])
{
	char name[SESSION_ENV_NAME_MAX + 1];
	if (!view_cstr(r->name, name, sizeof(name)) || r->name.len == 0) {
		log_msg(c->log, LOG_LEVEL_INFO, "subsystem request with a malformed name");
		return 0;
	}
	if (find_subsystem(c->cfg, name) == NULL) {
		log_msg(c->log, LOG_LEVEL_INFO,
			"subsystem request for %.100s by user %s failed, subsystem not found",
			name, c->user);
		return 0;
	}
	return start(s, c, MONITOR_SESSION_SUBSYSTEM, r->name, fds);
}

static int signal_request(struct session *s, struct conn *c,
			  const struct ssh_msg_Channel_Request_Signal *r)
{
	char name[SESSION_SIGNAL_NAME_MAX];
	if (!s->started) {
		log_msg(c->log, LOG_LEVEL_DEBUG1, "signal request before the session started");
		return 0;
	}
	if (r->signal_name.len == 0 || !view_cstr(r->signal_name, name, sizeof(name))) {
		log_msg(c->log, LOG_LEVEL_INFO, "signal request with a malformed name");
		return 0;
	}
	/* Which signals a user may send is the monitor's to decide. */
	int rc = mon_signal(c->mon, s->id, name);
	if (rc == -EACCES || rc == -EINVAL)
		return 0;
	return rc < 0 ? rc : 1;
}

static int window_change_request(struct session *s, struct conn *c,
				 const struct ssh_msg_Channel_Request_WindowChange *r)
{
	if (!s->started) {
		if (!s->want_pty)
			return 0;
		/* the pty is made at the start: with this size */
		s->cols = r->width_chars;
		s->rows = r->height_rows;
		s->xpixels = r->width_pixels;
		s->ypixels = r->height_pixels;
		return 1;
	}
	int rc = mon_window_change(c->mon, s->id, r->width_chars, r->height_rows,
				   r->width_pixels, r->height_pixels);
	if (rc == -EACCES || rc == -EINVAL)
		return 0;
	return rc < 0 ? rc : 1;
}

int session_request(struct session *s, struct conn *c, const struct ssh_msg *m, int fds[3])
{
	fds[0] = fds[1] = fds[2] = -1;
	switch (m->kind) {
	case ssh_msg_Channel_Request_Env:
		return env_request(s, c, &m->u.Channel_Request_Env);
	case ssh_msg_Channel_Request_Shell:
		return start(s, c, MONITOR_SESSION_SHELL, (struct mpl_bytes){
				     (const uint8_t *)"", 0 }, fds);
	case ssh_msg_Channel_Request_Exec:
		return exec_request(s, c, &m->u.Channel_Request_Exec, fds);
	case ssh_msg_Channel_Request_Subsystem:
		return subsystem_request(s, c, &m->u.Channel_Request_Subsystem, fds);
	case ssh_msg_Channel_Request_Signal:
		return signal_request(s, c, &m->u.Channel_Request_Signal);
	case ssh_msg_Channel_Request_WindowChange:
		return window_change_request(s, c, &m->u.Channel_Request_WindowChange);
	case ssh_msg_Channel_Request_PtyReq:
		return pty_request(s, c, &m->u.Channel_Request_PtyReq);
	default:
		/* x11-req, auth-agent-req, break, xon-xoff, eow and unknown requests. */
		return 0;
	}
}
