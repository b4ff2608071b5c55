/* sshd: the entry point.  It only composes the modules (DESIGN §1):
 *
 *   command line (cmdline.h) -> configuration (config.h; -o/-p/-h... win over the file)
 *   -> log (log.h) -> host keys checked (hostkeys_check.h) -> -t / -T answered, or
 *   listener:             listener_open + serve_listener, each connection re-executed
 *                         with -R (serve.h, reexec.h); with -d, serve_one: the first
 *                         connection is served in this process, which then exits
 *   per-connection (-R):  the configuration texts the listener read (main file and
 *                         Includes, config_source_wire.c) from its memfd, then the split
 *   or inetd (-i):        privsep_run: monitor_loop here, netchild_main in the confined
 *                         child (privsep.h, sandbox.h, monitor.h, netchild.h)
 *
 * Exit codes are OpenSSH's: 1 for a bad command line, an unreadable configuration file
 * or no usable host key; 255 for a bad configuration or any fatal error; 0 otherwise. */
#include <errno.h>
#include <openssl/crypto.h>
#include <paths.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "sshd/cmdline.h"
#include "sshd/config.h"
#include "sshd/conn_addr.h"
#include "sshd/conn_ctx.h"
#include "sshd/hostkeys_check.h"
#include "sshd/listener.h"
#include "sshd/log.h"
#include "sshd/monitor.h"
#include "sshd/netchild.h"
#include "sshd/privsep.h"
#include "sshd/reexec.h"
#include "sshd/sandbox.h"
#include "sshd/serve.h"
#include "sshd/version.h"

#define EXIT_FATAL 255
#define PROGNAME "sshd"
/* The per-connection child's marker, appended to the listener's argv (as OpenSSH). */
#define REEXEC_FLAG "-R"
/* Descriptors the net child may hold: its own few plus the session fds the monitor
 * passes it (up to three per channel: channel.h's CHANNEL_MAX_POLLFDS, 3 * 64). */
#define NETCHILD_NOFILE (16 + 3 * 64)

/* Everything this process knows; main's stack holds it (no globals). */
struct sshd_main {
	struct sshd_cmdline cl;
	struct sshd_config cfg;
	struct sshd_config_source src;
	struct log_ctx lg;
	struct sshd_config_log cfg_log;
	char **argv;
};

static void config_message(void *arg, enum sshd_log_level level, const char *msg)
{
	/* config.h's levels are log.h's, in the same order */
	log_msg(arg, (enum log_level)level, "%s", msg);
}

static void print_version(void)
{
	fprintf(stderr, "%s (OpenSSH_9.2 compatible), %s\n", VERSION_SOFTWARE,
		OpenSSL_version(OPENSSL_VERSION));
}

/* Logging before the configuration is read, as OpenSSH: to stderr (or the -E file) unless
 * started by inetd without -e/-d, at INFO or what -d/-q/-o LogLevel said. */
static void log_start(struct sshd_main *m)
{
	const struct sshd_cmdline *cl = &m->cl;
	bool to_stderr = cl->log_stderr || !cl->inetd || cl->debug > 0;

	(void)log_init(&m->lg, PROGNAME, LOG_LEVEL_INFO,
		       to_stderr ? LOG_DEST_STDERR : LOG_DEST_SYSLOG, LOG_AUTH, 2);
	if (cl->log_file != NULL) {
		int r = log_open_file(&m->lg, cl->log_file);
		if (r < 0)
			log_msg(&m->lg, LOG_LEVEL_ERROR, "Couldn't open logfile %s: %s",
				cl->log_file, strerror(-r));
	}
}

/* Whether syslog(3) can deliver anything: without a socket at _PATH_LOG (a container, a
 * chroot) glibc drops every line without a word. */
static bool syslog_reachable(void)
{
	struct stat st;

	return stat(_PATH_LOG, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* Logging once the configuration is final: LogLevel and SyslogFacility, to the -E file,
 * to stderr with -e (or -d, except for inetd's own process), else to syslog.  -D alone
 * does not change the destination, as in OpenSSH (under systemd the journal takes syslog),
 * except that a foreground server with no syslog socket logs to stderr rather than
 * nowhere. */
static void log_configured(struct sshd_main *m)
{
	const struct sshd_cmdline *cl = &m->cl;
	enum log_level level = (enum log_level)m->cfg.log_level;
	int facility = m->cfg.log_facility >= 0 ? m->cfg.log_facility << 3 : LOG_AUTH;

	if (m->lg.dest == LOG_DEST_FILE) {
		m->lg.level = level;
		return;
	}
	bool to_stderr = cl->log_stderr || (cl->debug > 0 && (!cl->inetd || cl->rexeced)) ||
			 (cl->no_daemon && !cl->inetd && !syslog_reachable());
	log_close(&m->lg);
	(void)log_init(&m->lg, PROGNAME, level, to_stderr ? LOG_DEST_STDERR : LOG_DEST_SYSLOG,
		       facility, 2);
}

/* Command line, then the text (the file, or the listener's memfd in a per-connection
 * child), then the global pass and the defaults.  Returns 0 or the exit code. */
static int load_config(struct sshd_main *m)
{
	char msg[512];

	if (sshd_cmdline_apply(&m->cl, &m->cfg, &m->cfg_log, msg, sizeof(msg)) != 0) {
		if (msg[0] != '\0')
			log_msg(&m->lg, LOG_LEVEL_ERROR, "%s", msg);
		return 1;
	}
	if (m->cfg.log_level >= 0)
		m->lg.level = (enum log_level)m->cfg.log_level;
	if (m->cl.rexeced) {
		char *text;
		size_t len;
		int r = reexec_read_config(&text, &len);
		if (r < 0) {
			log_msg(&m->lg, LOG_LEVEL_FATAL, "cannot read the configuration from the "
				"listener: %s", strerror(-r));
			return EXIT_FATAL;
		}
		/* the texts the listener read, its Includes too: no file is opened */
		r = sshd_config_source_unpack(&m->src, text, len, &m->cfg_log);
		free(text);
		if (r != 0)
			return EXIT_FATAL;
	} else if (sshd_config_source_load(&m->src, m->cl.config_file, &m->cfg_log) != 0) {
		return 1;
	}
	if (sshd_config_parse(&m->cfg, &m->src, &m->cfg_log) != 0)
		return EXIT_FATAL;
	if (m->cl.nconn_spec > 0 && m->cl.test < SSHD_TEST_DUMP) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "Config test connection parameter (-C) "
			"provided without test mode (-T)");
		return EXIT_FATAL;
	}
	if (sshd_config_finish(&m->cfg, &sshd_openssh92_algos, &m->cfg_log) != 0)
		return EXIT_FATAL;
	return 0;
}

/* As root the net child runs as the privilege separation user: without it no
 * connection could be served, so say so at start-up, as OpenSSH does. */
static int check_privsep_user(struct sshd_main *m)
{
	if (geteuid() != 0)
		return 0;
	if (getpwnam(SANDBOX_DEFAULT_USER) == NULL) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "Privilege separation user %s does not exist",
			SANDBOX_DEFAULT_USER);
		return EXIT_FATAL;
	}
	endpwent();
	return 0;
}

/* -T: the effective configuration for the -C connection (none: only "Match all"). */
static int dump_config(struct sshd_main *m)
{
	struct sshd_conn_info ci = { 0 };
	char msg[512];
	char *spec = sshd_cmdline_conn_spec(&m->cl);
	int rc = EXIT_FATAL;

	if (m->cl.nconn_spec > 0 && spec == NULL)
		return EXIT_FATAL;
	if (sshd_conn_info_parse(&ci, spec != NULL ? spec : "", msg, sizeof(msg)) != 0) {
		log_msg(&m->lg, LOG_LEVEL_ERROR, "%s", msg);
		rc = 1;
	} else if (sshd_config_apply_match(&m->cfg, &m->src, &ci, &sshd_openssh92_algos,
					   &m->cfg_log) == 0 &&
		   sshd_config_dump(&m->cfg, stdout) == 0 && fflush(stdout) == 0) {
		rc = 0;
	}
	free(spec);
	sshd_conn_info_free(&ci);
	return rc;
}

/* One connection, in the per-connection child (-R) or the -i process: the monitor stays
 * here and forks the confined net child.  Returns the exit code. */
static int serve_connection(struct sshd_main *m, int conn_in, int conn_out, int startup_fd)
{
	struct sshd_conn_ctx ctx = {
		.cfg = &m->cfg,
		.src = &m->src,
		.algs = &sshd_openssh92_algos,
		.log = &m->lg,
		.privileged = geteuid() == 0,
		.inetd = m->cl.inetd != 0,
		.startup_fd = startup_fd,
	};
	struct sandbox_opts so = { .nofile = NETCHILD_NOFILE };
	struct sandbox_plan plan;
	struct privsep_result res;

	(void)conn_addr_fill(&ctx, conn_in);
	int r = sandbox_prepare(&so, &plan, &m->lg);
	if (r < 0) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "cannot prepare the net child's sandbox: %s",
			strerror(-r));
		return EXIT_FATAL;
	}
	struct privsep_params pp = {
		.conn_in = conn_in,
		.conn_out = conn_out,
		.sandbox = &plan,
		.log = &m->lg,
		.net_prepare = netchild_prepare,
		.net_main = netchild_main,
		.monitor_loop = monitor_loop,
		.arg = &ctx,
		/* lines the net child writes to stderr (sanitizers) reach the same place */
		.keep_stderr = m->lg.dest == LOG_DEST_STDERR,
	};
	r = privsep_run(&pp, &res);
	if (r < 0) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "cannot start the connection's processes: %s",
			strerror(-r));
		return EXIT_FATAL;
	}
	if (res.loop_rc < 0 || res.child_killed || !WIFEXITED(res.child_status))
		return EXIT_FATAL;
	return WEXITSTATUS(res.child_status);
}

/* -d: as OpenSSH, the first connection is served by this process itself (it becomes the
 * session monitor and forks the net child; nothing is re-executed), and the server exits
 * when it ends.  No PidFile is written. */
static int run_debug_connection(struct sshd_main *m, struct listener *l, int self_fd)
{
	struct serve_params sp = {
		.listener = l,
		.self_fd = self_fd,
		.restart_argv = m->argv,
		.log = &m->lg,
	};
	int sock = -1;
	int r = serve_one(&sp, &sock);
	if (r == 1)
		return 0;
	if (r < 0)
		return EXIT_FATAL;
	/* the configuration in memory is the one just parsed: nothing to pass on */
	int rc = serve_connection(m, sock, sock, -1);
	close(sock);
	return rc;
}

/* The listener: bind (errors reach the terminal before detaching), then accept until
 * SIGTERM, re-executing this binary with -R for each connection. */
static int run_listener(struct sshd_main *m, int self_fd)
{
	const struct sshd_config *c = &m->cfg;
	struct listen_addr addrs[LISTENER_MAX_SOCKS];
	char ports[LISTENER_MAX_SOCKS][8];
	size_t n = 0;

	for (size_t i = 0; i < c->nlisten_addrs; i++) {
		if (n == LISTENER_MAX_SOCKS) {
			log_msg(&m->lg, LOG_LEVEL_ERROR, "Too many listen sockets. Enlarge "
				"LISTENER_MAX_SOCKS");
			break;
		}
		snprintf(ports[n], sizeof(ports[n]), "%d", c->listen_addrs[i].port);
		addrs[n].host = c->listen_addrs[i].host;
		addrs[n].port = ports[n];
		n++;
	}
	struct maxstartups ms = { c->max_startups_begin, c->max_startups_rate, c->max_startups };
	struct listener l;
	int r = listener_open(&l, addrs, n, c->address_family, &ms, &m->lg);
	if (r < 0) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "Cannot bind any address.");
		return EXIT_FATAL;
	}
	if (m->cl.debug > 0)
		return run_debug_connection(m, &l, self_fd);
	/* every file the configuration read (the main one and its Includes), for the
	 * per-connection children: they parse these texts, never the files */
	char *packed = NULL;
	size_t packed_len = 0;
	int config_fd = sshd_config_source_pack(&m->src, &packed, &packed_len);
	if (config_fd == 0) {
		config_fd = reexec_config_memfd(packed, packed_len);
		free(packed);
	}
	if (config_fd < 0) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "cannot keep the configuration for connections:"
			" %s", strerror(-config_fd));
		listener_close(&l);
		return EXIT_FATAL;
	}
	/* argv plus the per-connection flag */
	size_t argc = 0;
	while (m->argv[argc] != NULL)
		argc++;
	char **child_argv = calloc(argc + 2, sizeof(char *));
	if (child_argv == NULL) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "out of memory");
		listener_close(&l);
		close(config_fd);
		return EXIT_FATAL;
	}
	memcpy(child_argv, m->argv, argc * sizeof(char *));
	child_argv[argc] = (char *)REEXEC_FLAG;

	const char *pidfile = c->pid_file;
	if (pidfile != NULL && strcasecmp(pidfile, "none") == 0)
		pidfile = NULL;
	struct serve_reexec rx = { .self_fd = self_fd, .config_fd = config_fd,
				   .argv = child_argv };
	struct serve_params sp = {
		.listener = &l,
		.pidfile = pidfile,
		.detach = !(m->cl.no_daemon || m->cl.debug > 0),
		.keep_stderr = m->cl.log_stderr != 0,
		.self_fd = self_fd,
		.restart_argv = m->argv,
		.serve = serve_reexec,
		.serve_arg = &rx,
		.log = &m->lg,
	};
	r = serve_listener(&sp);
	free(child_argv);
	close(config_fd);
	return r == 0 ? 0 : EXIT_FATAL;
}

static int run(struct sshd_main *m, int argc, char **argv)
{
	char msg[512];
	int want_usage, rc, self_fd = -1;

	if (sshd_cmdline_parse(&m->cl, argc, argv, msg, sizeof(msg), &want_usage) != 0) {
		fprintf(stderr, "%s\n", msg);
		if (want_usage) {
			print_version();
			fputs(sshd_cmdline_usage(), stderr);
		}
		return 1;
	}
	if (m->cl.version) {
		print_version();
		return 0;
	}
	m->argv = argv;
	log_start(m);
	m->cfg_log = (struct sshd_config_log){ config_message, &m->lg };

	bool listener = m->cl.test == SSHD_TEST_NONE && !m->cl.inetd && !m->cl.rexeced;
	/* before anything could replace the binary (OpenSSH's reexec test does) */
	if (listener && (self_fd = reexec_self_open()) < 0) {
		log_msg(&m->lg, LOG_LEVEL_FATAL, "cannot open our own executable: %s",
			strerror(-self_fd));
		return EXIT_FATAL;
	}
	if ((rc = load_config(m)) != 0)
		return rc;
	if (!m->cl.rexeced) {
		if (m->cl.test != SSHD_TEST_PRINT && (rc = check_privsep_user(m)) != 0)
			return rc;
		if (m->cl.test != SSHD_TEST_PRINT && hostkeys_check(&m->cfg, &m->lg) == 0) {
			log_msg(&m->lg, LOG_LEVEL_INFO, "sshd: no hostkeys available -- exiting.");
			return 1;
		}
		if (m->cl.test >= SSHD_TEST_DUMP)
			return dump_config(m);
		if (m->cl.test == SSHD_TEST_CHECK)
			return 0;
	}
	log_configured(m);
	if (m->cl.rexeced)
		return serve_connection(m, REEXEC_SOCK_FD, REEXEC_SOCK_FD, REEXEC_STARTUP_FD);
	if (m->cl.inetd)
		return serve_connection(m, STDIN_FILENO, STDOUT_FILENO, -1);
	return run_listener(m, self_fd);
}

int main(int argc, char **argv)
{
	struct sshd_main *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		fprintf(stderr, "%s: out of memory\n", PROGNAME);
		return EXIT_FATAL;
	}
	/* group or others never get write access to what we create (PidFile, logs), as in
	 * OpenSSH */
	umask(umask(077) | 022);
	sshd_config_init(&m->cfg);
	sshd_config_source_init(&m->src);
	(void)log_init(&m->lg, PROGNAME, LOG_LEVEL_INFO, LOG_DEST_STDERR, LOG_AUTH, 2);
	int rc = run(m, argc, argv);
	sshd_config_source_free(&m->src);
	sshd_config_free(&m->cfg);
	log_close(&m->lg);
	free(m);
	return rc;
}
