/* The login environment of a session's process, as OpenSSH's do_setup_env builds it:
 * the user's identity, the default PATH, the mailbox, the addresses of the connection,
 * with a pty its name (SSH_TTY) and the client's terminal type (TERM), and the client's
 * command under a forced command; then the variables from the client and from
 * authorized_keys. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sshd/session_spawn.h"

/* The PATH values Debian's OpenSSH is built with (--with-default-path and
 * --with-superuser-path; `strings /usr/sbin/sshd` of openssh-server 1:9.2p1-2+deb12u10
 * shows both), so that a user sees the same PATH with msshd as with sshd. */
#define SESSION_PATH_USER	"/usr/local/bin:/usr/bin:/bin:/usr/games"
#define SESSION_PATH_ROOT	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define SESSION_MAIL_DIR	"/var/mail"		/* OpenSSH's _PATH_MAILDIR */
#define SESSION_DEFAULT_SHELL	"/bin/sh"		/* _PATH_BSHELL: passwd's "" */

struct env_builder {
	char *store;
	size_t store_cap;
	size_t used;
	char **env;
	size_t env_cap;		/* slots, the terminating NULL included */
	size_t n;
};

/* Length of the NAME part of "NAME=value", or 0 when there is no '=' or no name. */
static size_t env_name_len(const char *entry)
{
	const char *eq = strchr(entry, '=');
	return eq == NULL ? 0 : (size_t)(eq - entry);
}

/* Formats one "NAME=value" into the store and puts it in the list, replacing an
 * earlier entry of the same name in its place (as OpenSSH's child_set_env does, so
 * that the order of first appearance is kept). */
__attribute__((format(printf, 2, 3)))
static int env_putf(struct env_builder *b, const char *fmt, ...)
{
	size_t room = b->store_cap - b->used;
	char *s = b->store + b->used;
	va_list ap;

	va_start(ap, fmt);
	int len = vsnprintf(s, room, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -EINVAL;
	if ((size_t)len >= room)
		return -ENOSPC;

	size_t name_len = env_name_len(s);
	if (name_len == 0)
		return -EINVAL;
	for (size_t i = 0; i < b->n; i++) {
		if (strncmp(b->env[i], s, name_len + 1) == 0) {
			b->env[i] = s;
			b->used += (size_t)len + 1;
			return 0;
		}
	}
	if (b->n + 1 >= b->env_cap)
		return -ENOSPC;
	b->env[b->n++] = s;
	b->env[b->n] = NULL;
	b->used += (size_t)len + 1;
	return 0;
}

static bool port_ok(int port)
{
	return port >= 0 && port <= 65535;
}

int session_build_env(const struct session_spawn_params *p, char *store, size_t store_cap,
		      char **env, size_t env_cap)
{
	if (p == NULL || store == NULL || env == NULL || env_cap == 0 || store_cap == 0 ||
	    p->user == NULL || p->user[0] == '\0' || p->home == NULL ||
	    (p->n_extra_env > 0 && p->extra_env == NULL))
		return -EINVAL;
	if (p->peer_addr != NULL && (p->local_addr == NULL || !port_ok(p->peer_port) ||
				     !port_ok(p->local_port)))
		return -EINVAL;
	/* Every extra entry is checked before anything is built, so that a bad one is
	 * reported as such even when the store would also be too small. */
	for (size_t i = 0; i < p->n_extra_env; i++)
		if (p->extra_env[i] == NULL || env_name_len(p->extra_env[i]) == 0)
			return -EINVAL;

	struct env_builder b = {
		.store = store, .store_cap = store_cap, .env = env, .env_cap = env_cap,
	};
	const char *shell = (p->shell == NULL || p->shell[0] == '\0') ? SESSION_DEFAULT_SHELL
								       : p->shell;
	int r;

	env[0] = NULL;
	if ((r = env_putf(&b, "USER=%s", p->user)) < 0 ||
	    (r = env_putf(&b, "LOGNAME=%s", p->user)) < 0 ||
	    (r = env_putf(&b, "HOME=%s", p->home)) < 0 ||
	    (r = env_putf(&b, "PATH=%s", p->uid == 0 ? SESSION_PATH_ROOT
							: SESSION_PATH_USER)) < 0 ||
	    (r = env_putf(&b, "MAIL=%s/%s", SESSION_MAIL_DIR, p->user)) < 0 ||
	    (r = env_putf(&b, "SHELL=%s", shell)) < 0)
		return r;
	if (p->peer_addr != NULL) {
		if ((r = env_putf(&b, "SSH_CLIENT=%s %d %d", p->peer_addr, p->peer_port,
				  p->local_port)) < 0 ||
		    (r = env_putf(&b, "SSH_CONNECTION=%s %d %s %d", p->peer_addr,
				  p->peer_port, p->local_addr, p->local_port)) < 0)
			return r;
	}
	if (p->use_pty && p->tty != NULL && (r = env_putf(&b, "SSH_TTY=%s", p->tty)) < 0)
		return r;
	if (p->use_pty && p->term != NULL && p->term[0] != '\0' &&
	    (r = env_putf(&b, "TERM=%s", p->term)) < 0)
		return r;
	if (p->original_command != NULL &&
	    (r = env_putf(&b, "SSH_ORIGINAL_COMMAND=%s", p->original_command)) < 0)
		return r;
	for (size_t i = 0; i < p->n_extra_env; i++)
		if ((r = env_putf(&b, "%s", p->extra_env[i])) < 0)
			return r;
	return (int)b.n;
}
