/* Starting the user's process for a session channel (DESIGN §1): run by the monitor,
 * which is the process's parent and reaps it.  The child: its own session (setsid),
 * initgroups, setgid, setuid to the user (only when the monitor is root; without root
 * the user must be the monitor's own), the working directory home (or / with a message
 * when that fails), the login environment, and then the user's shell with "-c command"
 * (or as a login shell, "-shell" in argv[0], for a shell request).
 *
 * Without a pty the child's stdin, stdout and stderr are three socketpair/pipe ends;
 * the monitor passes the other ends to the net child and closes its copies.  With a
 * pty (session_pty.h) the caller gives the slave: the child makes it its controlling
 * terminal (setsid, TIOCSCTTY) and its 0, 1 and 2; the caller keeps the master. */
#ifndef MSSHD_SESSION_SPAWN_H
#define MSSHD_SESSION_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SESSION_ENV_MAX 512		/* variables in the environment built */
#define SESSION_SIGNAL_NAME_MAX 32

struct session_spawn_params {
	const char *user;		/* login name */
	uid_t uid;
	gid_t gid;
	const char *home;
	const char *shell;		/* from passwd; "" means /bin/sh */
	const char *command;		/* exec/subsystem command, NULL for a login shell */
	const char *original_command;	/* under a forced command: the client's command
					   (SSH_ORIGINAL_COMMAND), else NULL */
	bool change_user;		/* monitor is root: initgroups/setgid/setuid */
	/* SSH_CLIENT "addr port lport" and SSH_CONNECTION "addr port laddr lport" */
	const char *peer_addr;
	int peer_port;
	const char *local_addr;
	int local_port;
	/* Variables from the client (env requests that passed AcceptEnv) and from
	 * authorized_keys environment= (PermitUserEnvironment), "NAME=value" each, applied
	 * after the login environment in this order. */
	const char *const *extra_env;
	size_t n_extra_env;
	/* A pty session: the slave (the caller's, left open), its path (SSH_TTY) and the
	 * client's terminal type (TERM, may be NULL). */
	bool use_pty;
	int pty_slave;
	const char *tty;
	const char *term;
};

struct session_child {
	pid_t pid;
	int fd_stdin;			/* write end: what the client sends */
	int fd_stdout;			/* read end */
	int fd_stderr;			/* read end */
};				/* with a pty: all three -1 (the caller has the master) */

/* Forks and starts the process.  All three fds are close-on-exec in the caller and
 * non-blocking is left to the receiver.  Returns 0, or a negative errno (nothing is
 * left running and no fd is open). */
int session_spawn(const struct session_spawn_params *p, struct session_child *out);

/* The login environment of p, before the extra variables: USER, LOGNAME, HOME, SHELL,
 * PATH (_PATH_STDPATH for root, _PATH_DEFPATH otherwise, as OpenSSH), MAIL,
 * SSH_CLIENT, SSH_CONNECTION, with a pty SSH_TTY and TERM (when given),
 * SSH_ORIGINAL_COMMAND when set; then extra_env.  A later
 * "NAME=" replaces an earlier one.  Fills env (NULL-terminated, strings in store).
 * Exposed for tests.  Returns the count, -ENOSPC, -EINVAL (an entry without '='). */
int session_build_env(const struct session_spawn_params *p, char *store, size_t store_cap,
		      char **env, size_t env_cap);

/* The RFC 4254 §6.10 name of a signal ("TERM", "KILL", ...; "" for one without a name)
 * and the other way (0 for an unknown name). */
const char *session_signal_name(int sig);
int session_signal_number(const char *name, size_t len);

#endif
