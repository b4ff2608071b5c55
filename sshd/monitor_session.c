/* Sessions in the monitor: the user's process is started here (session_spawn.h) after
 * the monitor has applied what the configuration and the authorized_keys line say
 * (ForceCommand, command=, no-pty/restrict, environment=, AcceptEnv, Subsystem), its
 * descriptors go to the net child, and its end is reaped here and reported with
 * SessionExit.  A pidfd per child, gathered in one epoll set, is the one descriptor
 * privsep_monitor_wait watches for all of them; without pidfds the children are polled.
 *
 * A pty session (session_pty.h) gets its pty here, as root; the net child gets the
 * master, and the monitor keeps a copy of it for window-change until the process is
 * reaped, when the slave is released (OpenSSH's pty_release) and the copy closed.
 * That copy would keep the terminal from hanging up when the client closes the channel
 * while the process runs (OpenSSH closes its master then: session_pty_cleanup), so the
 * net child tells the monitor (SessionClose) and the monitor releases the pty at once:
 * with the last master closed the kernel hangs up the slave (SIGHUP, EIO).  The
 * process is still reaped and its end reported as before.
 *
 * A pty session is also recorded in utmp and wtmp (login_record.h): the login when the
 * pty is handed out, the logout when it is released. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sshd/login_record.h"
#include "sshd/monitor_int.h"
#include "sshd/session_spawn.h"

static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	long fd = syscall(SYS_pidfd_open, pid, 0);
	return fd < 0 ? -errno : (int)fd;
#else
	(void)pid;
	return -ENOSYS;
#endif
}

int monitor_sessions_init(struct monitor_state *st)
{
	for (size_t i = 0; i < MONITOR_MAX_SESSIONS; i++)
		st->sessions[i].pidfd = st->sessions[i].pty_master = -1;
	st->reap_fd = epoll_create1(EPOLL_CLOEXEC);
	if (st->reap_fd < 0)
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: no epoll (%s); sessions are polled",
			strerror(errno));
	return 0;
}

/* A pty session's login record (login_record.h): the login when the pty is handed out,
 * the logout when it is released.  Only as root (the files are root's); a failure is
 * logged and the session goes on, as with OpenSSH. */
static void record_login(struct monitor_state *st, const struct monitor_session *s, bool login)
{
	struct utmpx ut;
	struct timeval tv;

	if (!st->ctx->privileged)
		return;
	gettimeofday(&tv, NULL);
	int r = login_record_build(&ut, login, s->tty, st->user.name, st->ctx->peer_addr,
				   s->pid, &tv);
	if (r == 0)
		r = login_record_write(NULL, &ut);
	/* a system without utmp or wtmp (some have neither now) keeps no records */
	if (r < 0)
		log_msg(st->log, r == -ENOENT ? LOG_LEVEL_DEBUG1 : LOG_LEVEL_ERROR,
			"monitor: %s record for %s: %s", login ? "login" : "logout", s->tty,
			strerror(-r));
}

/* The end of a session's pty: the slave back to root (as root only: without root it
 * was never given away), then the monitor's copy of the master closed. */
static void release_pty(struct monitor_state *st, struct monitor_session *s)
{
	if (s->pty_master < 0)
		return;
	record_login(st, s, false);
	if (st->ctx->privileged) {
		int r = session_pty_release(s->tty);
		if (r < 0)
			log_msg(st->log, LOG_LEVEL_ERROR, "monitor: releasing %s: %s", s->tty,
				strerror(-r));
	}
	close(s->pty_master);
	s->pty_master = -1;
}

void monitor_sessions_fini(struct monitor_state *st)
{
	for (size_t i = 0; i < MONITOR_MAX_SESSIONS; i++) {
		struct monitor_session *s = &st->sessions[i];
		if (s->used && s->pidfd >= 0)
			close(s->pidfd);
		if (s->used)
			release_pty(st, s);
		memset(s, 0, sizeof(*s));
		s->pidfd = s->pty_master = -1;
	}
	st->n_sessions = 0;
	if (st->reap_fd >= 0)
		close(st->reap_fd);
	st->reap_fd = -1;
}

void monitor_reap_pollfd(const struct monitor_state *st, struct pollfd *pfd, int *timeout_ms)
{
	*pfd = (struct pollfd){ .fd = -1, .events = POLLIN };
	*timeout_ms = -1;
	if (st->n_sessions == 0)
		return;
	bool all_pidfds = st->reap_fd >= 0;
	for (size_t i = 0; i < MONITOR_MAX_SESSIONS && all_pidfds; i++)
		if (st->sessions[i].used && st->sessions[i].pidfd < 0)
			all_pidfds = false;
	if (st->reap_fd >= 0)
		pfd->fd = st->reap_fd;
	if (!all_pidfds)
		*timeout_ms = MONITOR_REAP_POLL_MS;
}

static struct monitor_session *find_session(struct monitor_state *st, uint32_t id)
{
	for (size_t i = 0; i < MONITOR_MAX_SESSIONS; i++)
		if (st->sessions[i].used && st->sessions[i].id == id)
			return &st->sessions[i];
	return NULL;
}

static int send_exit(struct monitor_state *st, const struct monitor_session *s, int status)
{
	struct monitor_msg m;
	monitor_msg_init(&m, monitor_msg_Monitor_SessionExit);
	m.u.Monitor_SessionExit.session_id = s->id;
	if (WIFEXITED(status)) {
		m.u.Monitor_SessionExit.exited = true;
		m.u.Monitor_SessionExit.exit_status = (uint32_t)WEXITSTATUS(status);
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: session %u (pid %ld) exited with %d",
			s->id, (long)s->pid, WEXITSTATUS(status));
	} else {
		const char *name = session_signal_name(WTERMSIG(status));
		/* RFC 4254 §6.10 wants a name; one without is reported under OpenSSH's
		 * name for it rather than dropped (the client would wait for an exit) */
		if (name == NULL || name[0] == '\0')
			name = "SIG@openssh.com";
		m.u.Monitor_SessionExit.exited = false;
		m.u.Monitor_SessionExit.signal_name = mpl_bytes_str(name);
		m.u.Monitor_SessionExit.core_dumped = WCOREDUMP(status) != 0;
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: session %u (pid %ld) killed by %s",
			s->id, (long)s->pid, name);
	}
	return monitor_send(st, &m, NULL, 0);
}

static void forget_session(struct monitor_state *st, struct monitor_session *s)
{
	if (s->pidfd >= 0)
		close(s->pidfd);	/* also leaves the epoll set */
	release_pty(st, s);
	memset(s, 0, sizeof(*s));
	s->pidfd = s->pty_master = -1;
	st->n_sessions--;
}

int monitor_reap(struct monitor_state *st)
{
	if (st->n_sessions == 0)
		return 0;
	if (st->reap_fd >= 0) {
		/* only empties the ready list: waitpid below is what counts */
		struct epoll_event ev[8];
		(void)epoll_wait(st->reap_fd, ev, 8, 0);
	}
	for (size_t i = 0; i < MONITOR_MAX_SESSIONS; i++) {
		struct monitor_session *s = &st->sessions[i];
		int status = 0;
		if (!s->used)
			continue;
		/* only our own session children, by pid: waitpid(-1) would take the net
		 * child away from privsep */
		pid_t w = waitpid(s->pid, &status, WNOHANG);
		if (w == 0)
			continue;
		if (w < 0) {
			if (errno == EINTR)
				continue;
			/* ECHILD: not ours any more; nothing to report */
			log_msg(st->log, LOG_LEVEL_ERROR, "monitor: waitpid %ld: %s", (long)s->pid,
				strerror(errno));
			forget_session(st, s);
			continue;
		}
		struct monitor_session done = *s;
		forget_session(st, s);
		int r = send_exit(st, &done, status);
		if (r < 0)
			return r;
	}
	return 0;
}

static int answer_session(struct monitor_state *st, uint32_t status, uint32_t id,
			  const int *fds, size_t nfds)
{
	struct monitor_msg a;
	monitor_msg_init(&a, monitor_msg_Monitor_SessionAnswer);
	a.u.Monitor_SessionAnswer.status = status;
	a.u.Monitor_SessionAnswer.session_id = id;
	return monitor_send(st, &a, fds, nfds);
}

/* A NUL-terminated copy of a string field; NULL (and *bad) when it holds a NUL byte. */
static char *cstr(struct mpl_bytes b, bool *bad)
{
	if (memchr(b.ptr, '\0', b.len) != NULL) {
		*bad = true;
		return NULL;
	}
	char *s = malloc(b.len + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, b.ptr, b.len);
	s[b.len] = '\0';
	return s;
}

static bool accept_env_name(const struct sshd_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->accept_env.n; i++)
		if (sshd_match_pattern(name, cfg->accept_env.v[i]) == 1)
			return true;
	return false;
}

/* What a session needs besides the request: built, then freed in one place. */
struct session_plan {
	char *command;			/* what runs (NULL: login shell) */
	char *client_command;		/* what the client asked for */
	const char *original;		/* SSH_ORIGINAL_COMMAND under a forced command */
	bool forced, subsystem;
	bool want_pty;
	char *term;			/* pty-req's TERM ("" none) */
	char *env_store;		/* "NAME=value\0..." of the client's accepted env */
	const char *env[SESSION_ENV_MAX];
	size_t n_env;
};

static void plan_free(struct session_plan *p)
{
	free(p->command);
	free(p->client_command);
	free(p->env_store);
	free(p->term);
	memset(p, 0, sizeof(*p));
}

/* sshd_config's SetEnv, last so that the administrator's values win over the client's
 * and the key's (session_build_env lets a later entry replace an earlier one); within
 * SetEnv the first entry of a name wins, as in OpenSSH. */
static void plan_setenv(const struct monitor_state *st, struct session_plan *p)
{
	const struct sshd_strlist *se = &st->cfg->setenv;

	for (size_t i = 0; i < se->n && p->n_env < SESSION_ENV_MAX; i++) {
		const char *eq = strchr(se->v[i], '=');
		if (eq == NULL || eq == se->v[i]) {
			log_msg(st->log, LOG_LEVEL_ERROR, "monitor: SetEnv %s: not NAME=VALUE",
				se->v[i]);
			continue;
		}
		size_t nl = (size_t)(eq - se->v[i]) + 1;	/* "NAME=" */
		bool earlier = false;
		for (size_t j = 0; j < i && !earlier; j++)
			earlier = strncmp(se->v[j], se->v[i], nl) == 0;
		if (!earlier)
			p->env[p->n_env++] = se->v[i];
	}
}

/* The client's env entries that AcceptEnv lets through, then the key's environment=
 * when PermitUserEnvironment allows it.  Returns 0 or a positive errno for the
 * answer. */
static uint32_t plan_env(struct monitor_state *st,
			 const struct monitor_msg_Monitor_SessionRequest *q, struct session_plan *p)
{
	struct mpl_reader rd;
	struct mpl_error err;
	size_t need = 0, used = 0;

	/* the codec bounded num_env and checked the array; size the store first */
	need = q->env.len + q->num_env + 1;
	p->env_store = malloc(need);
	if (p->env_store == NULL)
		return ENOMEM;
	mpl_reader_init(&rd, q->env.ptr, q->env.len);
	for (uint32_t i = 0; i < q->num_env; i++) {
		struct monitor_env e;
		if (monitor_env_read(&rd, &e, &err) < 0)
			return EINVAL;
		if (e.name.len == 0 || memchr(e.name.ptr, '\0', e.name.len) ||
		    memchr(e.name.ptr, '=', e.name.len) || memchr(e.value.ptr, '\0', e.value.len))
			continue;
		char *dst = p->env_store + used;
		memcpy(dst, e.name.ptr, e.name.len);
		dst[e.name.len] = '\0';
		if (!accept_env_name(st->cfg, dst)) {
			log_msg(st->log, LOG_LEVEL_DEBUG2, "monitor: env %s not accepted", dst);
			continue;
		}
		dst[e.name.len] = '=';
		memcpy(dst + e.name.len + 1, e.value.ptr, e.value.len);
		dst[e.name.len + 1 + e.value.len] = '\0';
		used += e.name.len + e.value.len + 2;
		if (p->n_env < SESSION_ENV_MAX)
			p->env[p->n_env++] = dst;
	}

	const struct authkeys_line *line = st->key_opts.line;
	if (line != NULL && st->cfg->permit_user_env > 0) {
		for (size_t i = 0; i < line->opts.n_env && p->n_env < SESSION_ENV_MAX; i++) {
			const char *kv = line->opts.env[i];
			const char *allow = st->cfg->permit_user_env_allowlist;
			if (allow != NULL) {
				const char *eq = strchr(kv, '=');
				size_t nl = eq ? (size_t)(eq - kv) : strlen(kv);
				char name[256];
				if (nl >= sizeof(name))
					continue;
				memcpy(name, kv, nl);
				name[nl] = '\0';
				if (sshd_match_pattern_list(name, allow, 0) != 1)
					continue;
			}
			p->env[p->n_env++] = kv;
		}
	}
	plan_setenv(st, p);
	return 0;
}

/* no-pty (or restrict without pty) on the key, or PermitTTY no. */
static bool pty_allowed(struct monitor_state *st)
{
	const struct authkeys_opts *ko = st->key_opts.line ? &st->key_opts.line->opts : NULL;

	if ((ko != NULL && !ko->pty) || st->cfg->permit_tty == 0) {
		log_msg(st->log, LOG_LEVEL_INFO, "monitor: pty refused for %s", st->user.name);
		return false;
	}
	return true;
}

int monitor_on_pty(struct monitor_state *st, const struct monitor_msg *m)
{
	struct monitor_msg a;

	(void)m;
	monitor_msg_init(&a, monitor_msg_Monitor_PtyAnswer);
	a.u.Monitor_PtyAnswer.allowed = pty_allowed(st);
	return monitor_send(st, &a, NULL, 0);
}

/* Decides what runs.  Returns 0 or a positive errno for the answer. */
static uint32_t plan_session(struct monitor_state *st,
			     const struct monitor_msg_Monitor_SessionRequest *q,
			     struct session_plan *p)
{
	const struct authkeys_opts *ko = st->key_opts.line ? &st->key_opts.line->opts : NULL;
	bool bad = false;

	if (q->want_pty) {
		if (!pty_allowed(st))
			return EACCES;
		p->term = cstr(q->term, &bad);
		if (p->term == NULL)
			return bad ? EINVAL : ENOMEM;
		p->want_pty = true;
	}

	if (q->session_kind != MONITOR_SESSION_SHELL) {
		p->client_command = cstr(q->command, &bad);
		if (p->client_command == NULL)
			return bad ? EINVAL : ENOMEM;
	}
	if (q->session_kind == MONITOR_SESSION_SUBSYSTEM) {
		const struct sshd_subsystem *sub = NULL;
		for (size_t i = 0; i < st->cfg->nsubsystems; i++)
			if (strcmp(st->cfg->subsystems[i].name, p->client_command) == 0)
				sub = &st->cfg->subsystems[i];
		if (sub == NULL) {
			log_msg(st->log, LOG_LEVEL_INFO,
				"subsystem request for %s by user %s failed, subsystem not found",
				p->client_command, st->user.name);
			return ENOENT;
		}
		if (strcmp(sub->command, "internal-sftp") == 0) {
			log_msg(st->log, LOG_LEVEL_INFO, "subsystem %s: internal-sftp not supported",
				p->client_command);
			return ENOTSUP;
		}
		p->subsystem = true;
		p->command = strdup(sub->args != NULL ? sub->args : sub->command);
		if (p->command == NULL)
			return ENOMEM;
		free(p->client_command);
		p->client_command = strdup(p->command);
		if (p->client_command == NULL)
			return ENOMEM;
	} else if (p->client_command != NULL) {
		p->command = strdup(p->client_command);
		if (p->command == NULL)
			return ENOMEM;
	}

	/* ForceCommand wins over the key's command= (OpenSSH's order) */
	const char *forced = st->cfg->adm_forced_command;
	if (forced == NULL && ko != NULL)
		forced = ko->command;
	if (forced != NULL) {
		log_msg(st->log, LOG_LEVEL_VERBOSE, "monitor: forced command for %s: %s",
			st->user.name, forced);
		free(p->command);
		p->command = strdup(forced);
		if (p->command == NULL)
			return ENOMEM;
		p->original = p->client_command;
		p->forced = true;
	}
	return plan_env(st, q, p);
}

/* The session's pty: opened, given to the user, sized and set to the client's modes.
 * Returns 0 or a negative errno (nothing left open). */
static int open_pty(struct monitor_state *st,
		    const struct monitor_msg_Monitor_SessionRequest *q, struct session_pty *pty)
{
	int r = session_pty_open(pty);
	if (r < 0) {
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: no pty: %s", strerror(-r));
		return r;
	}
	r = session_pty_set_owner(pty, st->user.uid, st->user.gid);
	if (r < 0 && !st->ctx->privileged) {
		/* Without root the slave is the monitor's user's already (devpts); only its
		 * group or mode could not be changed, which OpenSSH would also let pass
		 * unprivileged for a read-only tty.  The session goes on. */
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: %s: owner: %s", pty->name,
			strerror(-r));
		r = 0;
	}
	const char *what = "owner";
	if (r == 0) {
		struct session_winsize ws = { q->width_chars, q->height_rows, q->width_pixels,
					      q->height_pixels };
		what = "window size";
		r = session_pty_set_winsize(pty->slave, &ws);
	}
	size_t applied = 0;
	if (r == 0) {
		what = "terminal modes";
		r = session_pty_apply_modes(pty->slave, q->modes.ptr, q->modes.len, &applied);
	}
	if (r < 0) {
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: %s: %s: %s", pty->name, what,
			strerror(-r));
		if (st->ctx->privileged)
			(void)session_pty_release(pty->name);
		session_pty_close(pty);
		return r;
	}
	log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: allocated %s (%ux%u, %zu modes)",
		pty->name, q->width_chars, q->height_rows, applied);
	return 0;
}

int monitor_on_session(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_SessionRequest *q = &m->u.Monitor_SessionRequest;
	struct session_plan plan;
	struct monitor_session *slot = NULL;

	memset(&plan, 0, sizeof(plan));
	for (size_t i = 0; i < MONITOR_MAX_SESSIONS && slot == NULL; i++)
		if (!st->sessions[i].used)
			slot = &st->sessions[i];
	/* MaxSessions 0 allows no session at all (forwarding only), as in OpenSSH */
	size_t max = st->cfg->max_sessions >= 0 ? (size_t)st->cfg->max_sessions
						: MONITOR_MAX_SESSIONS;
	if (slot == NULL || st->n_sessions >= max) {
		log_msg(st->log, LOG_LEVEL_INFO, "monitor: too many sessions for %s",
			st->user.name);
		return answer_session(st, EAGAIN, 0, NULL, 0);
	}
	uint32_t status = plan_session(st, q, &plan);
	if (status != 0) {
		plan_free(&plan);
		return answer_session(st, status, 0, NULL, 0);
	}

	struct session_spawn_params sp;
	memset(&sp, 0, sizeof(sp));
	sp.user = st->user.name;
	sp.uid = st->user.uid;
	sp.gid = st->user.gid;
	sp.home = st->user.home;
	sp.shell = st->user.shell;
	sp.command = plan.command;
	sp.original_command = plan.original;
	sp.change_user = st->ctx->privileged;
	sp.peer_addr = st->ctx->peer_addr;
	sp.peer_port = st->ctx->peer_port;
	sp.local_addr = st->ctx->local_addr;
	sp.local_port = st->ctx->local_port;
	sp.extra_env = plan.env;
	sp.n_extra_env = plan.n_env;

	struct session_pty pty = { .master = -1, .slave = -1 };
	int r = 0;
	if (plan.want_pty) {
		r = open_pty(st, q, &pty);
		sp.use_pty = true;
		sp.pty_slave = pty.slave;
		sp.tty = pty.name;
		sp.term = plan.term;
	}

	struct session_child child;
	if (r == 0)
		r = session_spawn(&sp, &child);
	/* the child has the slave now (or failed): the monitor's copy would only keep
	 * the terminal from ending */
	if (pty.slave >= 0) {
		close(pty.slave);
		pty.slave = -1;
	}
	if (r < 0) {
		log_msg(st->log, LOG_LEVEL_ERROR, "monitor: cannot start a session for %s: %s",
			st->user.name, strerror(-r));
		if (pty.master >= 0) {
			if (st->ctx->privileged)
				(void)session_pty_release(pty.name);
			session_pty_close(&pty);
		}
		plan_free(&plan);
		return answer_session(st, (uint32_t)-r, 0, NULL, 0);
	}
	uint32_t id = st->next_session_id++;
	/* OpenSSH's line, the tty named without "/dev/" */
	const char *tty = strncmp(pty.name, "/dev/", 5) == 0 ? pty.name + 5 : pty.name;
	log_msg(st->log, LOG_LEVEL_VERBOSE,
		"Starting session: %s%s%s%s%s for %s from %s port %d id %u",
		plan.subsystem ? "subsystem '" : plan.command ? "command" : "shell",
		plan.subsystem ? plan.client_command : "", plan.subsystem ? "'" : "",
		plan.want_pty ? " on " : "", plan.want_pty ? tty : "",
		st->user.name, st->ctx->peer_addr, st->ctx->peer_port, id);

	slot->used = true;
	slot->id = id;
	slot->pid = child.pid;
	slot->forced = plan.forced;
	slot->subsystem = plan.subsystem;
	slot->pidfd = -1;
	slot->pty_master = pty.master;
	memcpy(slot->tty, pty.name, sizeof(slot->tty));
	st->n_sessions++;
	plan_free(&plan);
	if (st->reap_fd >= 0) {
		int pfd = pidfd_of(child.pid);
		if (pfd >= 0) {
			struct epoll_event ev = { .events = EPOLLIN, .data.u32 = id };
			if (epoll_ctl(st->reap_fd, EPOLL_CTL_ADD, pfd, &ev) == 0)
				slot->pidfd = pfd;
			else
				close(pfd);
		}
	}

	if (slot->pty_master >= 0) {
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: session %u on %s", id, slot->tty);
		record_login(st, slot, true);
		/* the net child gets its own copy; ours stays for window-change */
		return answer_session(st, 0, id, &slot->pty_master, 1);
	}
	int fds[3] = { child.fd_stdin, child.fd_stdout, child.fd_stderr };
	r = answer_session(st, 0, id, fds, 3);
	/* the net child has its copies now (or the connection is over): ours go */
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	return r;
}

int monitor_on_signal(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_SignalRequest *q = &m->u.Monitor_SignalRequest;
	struct monitor_session *s = find_session(st, q->session_id);

	if (s == NULL) {
		/* it may have ended a moment ago: not the net child's fault */
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: signal for session %u, which is gone",
			q->session_id);
		return 0;
	}
	int sig = session_signal_number((const char *)q->signal_name.ptr, q->signal_name.len);
	if (sig <= 0) {
		log_msg(st->log, LOG_LEVEL_INFO, "monitor: unknown signal \"%.*s\" refused",
			(int)(q->signal_name.len > 32 ? 32 : q->signal_name.len),
			(const char *)q->signal_name.ptr);
		return 0;
	}
	if (s->forced || s->subsystem) {
		/* OpenSSH: a forced command or subsystem decides its own fate */
		log_msg(st->log, LOG_LEVEL_INFO, "monitor: refusing to send signal %s to %s session",
			session_signal_name(sig), s->forced ? "forced-command" : "subsystem");
		return 0;
	}
	log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: signal %s to session %u (pid %ld)",
		session_signal_name(sig), s->id, (long)s->pid);
	/* the child made its own process group (setsid); it is not reaped yet, so the pid
	 * cannot have been reused */
	if (kill(-s->pid, sig) < 0 && kill(s->pid, sig) < 0)
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: kill %ld: %s", (long)s->pid,
			strerror(errno));
	return 0;
}

int monitor_on_window_change(struct monitor_state *st, const struct monitor_msg *m)
{
	const struct monitor_msg_Monitor_WindowChangeRequest *q = &m->u.Monitor_WindowChangeRequest;

	struct monitor_session *s = find_session(st, q->session_id);

	if (s == NULL || s->pty_master < 0) {
		/* gone a moment ago, or no pty: nothing to resize */
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: window change %ux%u for session %u "
			"ignored (no pty)", q->width_chars, q->height_rows, q->session_id);
		return 0;
	}
	struct session_winsize ws = { q->width_chars, q->height_rows, q->width_pixels,
				      q->height_pixels };
	int r = session_pty_set_winsize(s->pty_master, &ws);
	log_msg(st->log, r < 0 ? LOG_LEVEL_ERROR : LOG_LEVEL_DEBUG1,
		"monitor: window change %ux%u for session %u%s%s", q->width_chars,
		q->height_rows, q->session_id, r < 0 ? ": " : "", r < 0 ? strerror(-r) : "");
	return 0;
}

int monitor_on_session_close(struct monitor_state *st, const struct monitor_msg *m)
{
	uint32_t id = m->u.Monitor_SessionClose.session_id;
	/* only a session of this connection's table: ids are never reused, so an id that
	 * is not there is one reaped a moment ago (its exit crossed the close) or one the
	 * net child made up; either way there is nothing of ours to close */
	struct monitor_session *s = find_session(st, id);

	if (s == NULL) {
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: close of session %u, which is gone",
			id);
		return 0;
	}
	if (s->pty_master < 0) {
		/* without a pty the monitor holds none of the session's fds: the net child
		 * closing its own is the whole close, as with OpenSSH */
		log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: session %u closed (no pty)", id);
		return 0;
	}
	log_msg(st->log, LOG_LEVEL_DEBUG1, "monitor: session %u closed: releasing %s", id,
		s->tty);
	release_pty(st, s);
	return 0;
}

/* Forwarding is not implemented: its requests are still answered (monitor.spl wants an
 * answer to each), with ENOTSUP in `status`, the status field of the answer `a`. */
static int answer_not_implemented(struct monitor_state *st, const char *what,
				  struct monitor_msg *a, uint32_t *status)
{
	log_msg(st->log, LOG_LEVEL_VERBOSE, "monitor: %s not implemented", what);
	*status = ENOTSUP;
	return monitor_send(st, a, NULL, 0);
}

int monitor_on_direct_tcpip(struct monitor_state *st, const struct monitor_msg *m)
{
	struct monitor_msg a;

	(void)m;
	monitor_msg_init(&a, monitor_msg_Monitor_DirectTcpipAnswer);
	return answer_not_implemented(st, "direct-tcpip", &a,
				      &a.u.Monitor_DirectTcpipAnswer.status);
}

int monitor_on_tcpip_forward(struct monitor_state *st, const struct monitor_msg *m)
{
	struct monitor_msg a;

	(void)m;
	monitor_msg_init(&a, monitor_msg_Monitor_TcpipForwardAnswer);
	return answer_not_implemented(st, "tcpip-forward", &a,
				      &a.u.Monitor_TcpipForwardAnswer.status);
}
