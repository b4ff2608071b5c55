/* The test server of regress/netloop/e2e.sh: the real split of DESIGN §1 for a given
 * number of connections, without the listener and main.c.  It reads an sshd_config,
 * listens on 127.0.0.1 on an ephemeral port (written to PORTFILE once listening),
 * and for each accepted connection forks a per-connection process that runs
 * privsep_run with netchild_prepare / netchild_main / monitor_loop, as main.c does.
 *
 *   e2e_server CONFIG PORTFILE LOGFILE NCONN
 *
 * Every wait is bounded: an accept waits at most E2E_ACCEPT_MS, a connection at most
 * E2E_CONN_MS (then its process is killed).  Exit status 0 when every connection's
 * process ended by itself. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "regress/os/os_test_util.h"
#include "sshd/config.h"
#include "sshd/conn_ctx.h"
#include "sshd/log.h"
#include "sshd/monitor.h"
#include "sshd/netchild.h"
#include "sshd/privsep.h"
#include "sshd/sandbox.h"

#define E2E_ACCEPT_MS 60000
#define E2E_CONN_MS 60000

static void cfg_log(void *arg, enum sshd_log_level level, const char *msg)
{
	(void)arg;
	(void)level;
	fprintf(stderr, "e2e_server: config: %s\n", msg);
}

/* One connection in its own process, as the re-executed per-connection sshd. */
static int serve_one(int fd, struct sshd_conn_ctx *ctx, const struct sandbox_plan *plan,
		     const struct log_ctx *lg)
{
	struct sockaddr_in peer;
	socklen_t plen = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &plen) == 0) {
		inet_ntop(AF_INET, &peer.sin_addr, ctx->peer_addr, sizeof(ctx->peer_addr));
		ctx->peer_port = ntohs(peer.sin_port);
	}
	log_msg(lg, LOG_LEVEL_INFO, "Connection from %s port %d", ctx->peer_addr,
		ctx->peer_port);
	struct privsep_params p = {
		.conn_in = fd, .conn_out = fd, .sandbox = plan, .log = lg,
		.net_prepare = netchild_prepare, .net_main = netchild_main,
		.monitor_loop = monitor_loop, .arg = ctx,
	};
	struct privsep_result res;
	int rc = privsep_run(&p, &res);
	if (rc < 0) {
		log_msg(lg, LOG_LEVEL_ERROR, "privsep_run: %s", strerror(-rc));
		return 1;
	}
	log_msg(lg, LOG_LEVEL_INFO, "connection done: loop %d, child %s %d%s", res.loop_rc,
		WIFEXITED(res.child_status) ? "exit" : "signal",
		WIFEXITED(res.child_status) ? WEXITSTATUS(res.child_status)
					    : WTERMSIG(res.child_status),
		res.child_killed ? " (killed)" : "");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: e2e_server CONFIG PORTFILE LOGFILE NCONN\n");
		return 2;
	}
	int nconn = atoi(argv[4]);
	struct log_ctx lg;
	if (log_init(&lg, "sshd", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1) < 0 ||
	    log_open_file(&lg, argv[3]) < 0) {
		perror("log");
		return 2;
	}

	static struct sshd_config cfg;
	static struct sshd_config_source src;
	struct sshd_config_log clog = { cfg_log, NULL };
	sshd_config_init(&cfg);
	sshd_config_source_init(&src);
	if (sshd_config_source_load(&src, argv[1], &clog) < 0 ||
	    sshd_config_parse(&cfg, &src, &clog) < 0 ||
	    sshd_config_finish(&cfg, &sshd_openssh92_algos, &clog) < 0) {
		fprintf(stderr, "e2e_server: bad configuration %s\n", argv[1]);
		return 2;
	}
	lg.level = cfg.log_level >= 0 ? (enum log_level)cfg.log_level : LOG_LEVEL_DEBUG3;

	struct sandbox_opts so = { .nofile = 64 };
	char dir[256];
	if (geteuid() == 0) {
		if (os_test_ensure_user() < 0 || os_test_make_chroot(dir, sizeof(dir)) < 0) {
			fprintf(stderr, "e2e_server: no sandbox user or directory\n");
			return 2;
		}
		so.chroot_dir = dir;
		so.user = OS_TEST_USER;
	}
	struct sandbox_plan plan;
	if (sandbox_prepare(&so, &plan, &lg) < 0) {
		fprintf(stderr, "e2e_server: sandbox_prepare failed\n");
		return 2;
	}

	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = 0,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(sin);
	if (ls < 0 || bind(ls, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(ls, 8) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sin, &slen) < 0) {
		perror("e2e_server: listen");
		return 2;
	}
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	FILE *pf = fopen(tmp, "w");
	if (pf == NULL || fprintf(pf, "%d\n", ntohs(sin.sin_port)) < 0 || fclose(pf) != 0 ||
	    rename(tmp, argv[2]) < 0) {
		perror("e2e_server: port file");
		return 2;
	}

	int failures = 0;
	for (int i = 0; i < nconn; i++) {
		struct pollfd pfd = { .fd = ls, .events = POLLIN };
		if (poll(&pfd, 1, E2E_ACCEPT_MS) <= 0) {
			fprintf(stderr, "e2e_server: no connection %d within %d ms\n", i,
				E2E_ACCEPT_MS);
			return 1;
		}
		int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			perror("e2e_server: accept");
			return 1;
		}
		pid_t pid = fork();
		if (pid < 0) {
			perror("e2e_server: fork");
			return 1;
		}
		if (pid == 0) {
			close(ls);
			struct sshd_conn_ctx ctx = {
				.cfg = &cfg, .src = &src, .algs = &sshd_openssh92_algos,
				.log = &lg, .privileged = geteuid() == 0, .startup_fd = -1,
			};
			strcpy(ctx.peer_addr, "UNKNOWN");
			strcpy(ctx.local_addr, "127.0.0.1");
			ctx.local_port = ntohs(sin.sin_port);
			_exit(serve_one(fd, &ctx, &plan, &lg));
		}
		close(fd);
		int status;
		if (os_test_wait(pid, E2E_CONN_MS, &status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			fprintf(stderr, "e2e_server: connection %d did not end cleanly\n", i);
			failures++;
		}
	}
	close(ls);
	return failures == 0 ? 0 : 1;
}
