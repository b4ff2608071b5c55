/* A small program that drives the listener as main.c will: bind, write the bound port to
 * a file, serve_listener (detach unless -D, PidFile, SIGTERM/SIGHUP), and per connection
 * either a forked handler or a re-execution of itself (-x) that is handed the socket and
 * the configuration text read at start-up.  Used by test_listener_run.c.
 *
 *   listener_driver -p PIDFILE -o PORTFILE [-D] [-x] [-c CONFIG] [-m begin:rate:full]
 *                   [-E LOGFILE] [-a ADDR]
 *   listener_driver -R          (the per-connection child, started by -x)
 *   listener_driver -R -P       (the same, split by privsep, started by -X)
 *
 * A connection: the server sends "hello\n" (forked handler) or "config:<text>fds:<n>\n"
 * (re-executed child), reads one line, closes its startup pipe, answers "echo:<line>".
 * With -X the re-executed child is a monitor: its configuration text holds the lines
 * "chroot DIR", "user NAME" and "log FILE"; the confined net child sends "net:<pid>\n",
 * logs a line, reads one line and answers "echo:<line>". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regress/util/io_util.h"
#include "sshd/fdpass.h"
#include "sshd/listener.h"
#include "sshd/privsep.h"
#include "sshd/sandbox.h"
#include "sshd/log.h"
#include "sshd/reexec.h"
#include "sshd/serve.h"

/* Reads one line (bounded in size and by a 10 s receive timeout) and answers it. */
static int echo_one_line(int sock, int startup_fd)
{
	char line[256];
	size_t used = 0;
	struct timeval tv = { 10, 0 };

	(void)setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (used < sizeof(line) - 1) {
		ssize_t n = read(sock, line + used, 1);
		if (n <= 0)
			return 1;
		if (line[used++] == '\n')
			break;
	}
	close(startup_fd);	/* "authenticated": the MaxStartups slot is free */
	if (io_write_all(sock, "echo:", 5) < 0 || io_write_all(sock, line, used) < 0)
		return 2;
	return 0;
}

static int fork_handler(void *arg, int sock, int startup_fd,
			const struct sockaddr_storage *peer, socklen_t peerlen)
{
	(void)arg;
	(void)peer;
	(void)peerlen;
	if (io_write_all(sock, "hello\n", 6) < 0)
		return 1;
	return echo_one_line(sock, startup_fd);
}

static int count_fds(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

static int reexeced_child(void)
{
	char *text;
	size_t len;
	char msg[64];

	if (reexec_read_config(&text, &len) < 0)
		return 3;
	/* 0, 1, 2, the socket and the startup pipe: nothing else came along */
	int n = snprintf(msg, sizeof(msg), "fds:%d\n", count_fds());
	if (io_write_all(REEXEC_SOCK_FD, "config:", 7) < 0 ||
	    io_write_all(REEXEC_SOCK_FD, text, len) < 0 ||
	    io_write_all(REEXEC_SOCK_FD, msg, (size_t)n) < 0)
		return 4;
	free(text);
	return echo_one_line(REEXEC_SOCK_FD, REEXEC_STARTUP_FD);
}

/* The value of a "key value" line of the (test's own, trivial) configuration text. */
static int config_value(const char *text, const char *key, char *out, size_t cap)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			size_t vlen = strcspn(line + klen + 1, "\n");
			if (vlen >= cap)
				return -1;
			memcpy(out, line + klen + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
	}
	return -1;
}

static int split_net_main(struct privsep_net *net)
{
	char msg[32], line[256];
	size_t used = 0;
	int n = snprintf(msg, sizeof(msg), "net:%ld\n", (long)getpid());

	log_msg(&net->log, LOG_LEVEL_INFO, "net child serving");
	if (io_write_all(net->conn_out, msg, (size_t)n) < 0)
		return 1;
	while (used < sizeof(line) - 1) {
		ssize_t k = read(net->conn_in, line + used, 1);
		if (k <= 0)
			return 2;
		if (line[used++] == '\n')
			break;
	}
	if (io_write_all(net->conn_out, "echo:", 5) < 0 ||
	    io_write_all(net->conn_out, line, used) < 0)
		return 3;
	return 0;
}

/* The monitor: "authenticated" at once (frees the MaxStartups slot), then waits for the
 * net child to finish, bounded. */
static int split_monitor_loop(struct privsep_monitor *mon)
{
	close(REEXEC_STARTUP_FD);
	for (int i = 0; i < 600; i++) {
		int w = privsep_monitor_wait(mon, NULL, 0, 100);
		if (w == -EPIPE)
			return 0;
		if (w == 1)
			return -EPROTO;	/* this net child sends nothing over IPC */
	}
	return -ETIMEDOUT;
}

static int split_child(void)
{
	char *text;
	size_t len;
	char dir[256], user[64], logfile[256];
	struct log_ctx lg;
	struct sandbox_plan plan;

	if (reexec_read_config(&text, &len) < 0 || config_value(text, "chroot", dir, sizeof(dir)) < 0 ||
	    config_value(text, "user", user, sizeof(user)) < 0 ||
	    config_value(text, "log", logfile, sizeof(logfile)) < 0)
		return 3;
	free(text);
	if (log_init(&lg, "sshd", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1) < 0 ||
	    log_open_file(&lg, logfile) < 0)
		return 4;
	struct sandbox_opts so = { .chroot_dir = dir, .user = user };
	if (sandbox_prepare(&so, &plan, &lg) < 0)
		return 5;
	struct privsep_params pp = {
		.conn_in = REEXEC_SOCK_FD, .conn_out = REEXEC_SOCK_FD, .sandbox = &plan, .log = &lg,
		.net_main = split_net_main, .monitor_loop = split_monitor_loop,
	};
	struct privsep_result res;
	if (privsep_run(&pp, &res) < 0 || res.loop_rc < 0)
		return 6;
	return WIFEXITED(res.child_status) ? WEXITSTATUS(res.child_status) : 7;
}

static char *slurp(const char *path, size_t *len)
{
	static const size_t cap = 1 << 20;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 || buf == NULL ? -1 : read(fd, buf, cap);
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

static int write_port_file(const char *path, int port)
{
	char tmp[4096], text[16];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int n = snprintf(text, sizeof(text), "%d\n", port);
	if (fd < 0 || io_write_all(fd, text, (size_t)n) < 0)
		return -1;
	close(fd);
	return rename(tmp, path);
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL, *portfile = NULL, *config = NULL, *logfile = NULL;
	const char *addr = "127.0.0.1";
	struct maxstartups ms = { 10, 30, 100 };
	int foreground = 0, reexec = 0, split = 0, ch;

	if (argc == 2 && strcmp(argv[1], "-R") == 0)
		return reexeced_child();
	if (argc == 3 && strcmp(argv[1], "-R") == 0 && strcmp(argv[2], "-P") == 0)
		return split_child();
	/* keep the original argv for SIGHUP: getopt may permute a copy only */
	char **args = calloc((size_t)argc + 1, sizeof(char *));
	if (args == NULL)
		return 1;
	memcpy(args, argv, (size_t)argc * sizeof(char *));
	while ((ch = getopt(argc, args, "p:o:DxXc:m:E:a:")) != -1) {
		switch (ch) {
		case 'p': pidfile = optarg; break;
		case 'o': portfile = optarg; break;
		case 'D': foreground = 1; break;
		case 'x': reexec = 1; break;
		case 'X': reexec = split = 1; break;
		case 'c': config = optarg; break;
		case 'E': logfile = optarg; break;
		case 'a': addr = optarg; break;
		case 'm':
			if (sscanf(optarg, "%d:%d:%d", &ms.begin, &ms.rate, &ms.full) != 3)
				return 1;
			break;
		default:
			return 1;
		}
	}

	struct log_ctx lg;
	if (log_init(&lg, "listener_driver", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1) < 0 ||
	    (logfile != NULL && log_open_file(&lg, logfile) < 0))
		return 1;
	int self_fd = reexec_self_open();
	if (self_fd < 0)
		log_fatal(&lg, "cannot open own binary: %s", strerror(-self_fd));

	struct serve_reexec rx = { .self_fd = self_fd, .config_fd = -1 };
	char *child_argv[] = { argv[0], "-R", split ? "-P" : NULL, NULL };
	rx.argv = child_argv;
	if (config != NULL) {
		size_t len;
		char *text = slurp(config, &len);
		if (text == NULL)
			log_fatal(&lg, "cannot read %s", config);
		rx.config_fd = reexec_config_memfd(text, len);
		free(text);
		if (rx.config_fd < 0)
			log_fatal(&lg, "memfd: %s", strerror(-rx.config_fd));
	}
	if (reexec && rx.config_fd < 0)
		log_fatal(&lg, "-x needs -c");

	struct listener l;
	struct listen_addr la = { addr, "0" };
	int r = listener_open(&l, &la, 1, AF_UNSPEC, &ms, &lg);
	if (r < 0)
		log_fatal(&lg, "listener_open: %s", strerror(-r));
	if (portfile != NULL && write_port_file(portfile, listener_port(&l, 0)) < 0)
		log_fatal(&lg, "cannot write %s", portfile);

	struct serve_params sp = {
		.listener = &l, .pidfile = pidfile, .detach = !foreground, .keep_stderr = false,
		.self_fd = self_fd, .restart_argv = argv,
		.serve = reexec ? serve_reexec : fork_handler, .serve_arg = &rx, .log = &lg,
	};
	r = serve_listener(&sp);
	free(args);
	log_close(&lg);
	return r == 0 ? 0 : 1;
}
