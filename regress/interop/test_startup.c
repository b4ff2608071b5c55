/* The start-up helpers of sshd/main.c in-process: hostkeys_check (which HostKey files
 * count, OpenSSH's messages for the others) and conn_addr_fill (numeric addresses and
 * ports of TCP sockets, IPv4-mapped IPv6 shown as IPv4, "UNKNOWN"/65535 otherwise). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/hostkey.h"
#include "sshd/config.h"
#include "sshd/conn_addr.h"
#include "sshd/hostkeys_check.h"
#include "sshd/log.h"

struct fixture {
	char dir[64];
	char log_path[96];
	struct log_ctx lg;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/msshd-startup.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->log_path, sizeof(f->log_path), "%s/log", f->dir);
	if (log_init(&f->lg, "sshd", LOG_LEVEL_INFO, LOG_DEST_STDERR, 0, 2) < 0 ||
	    log_open_file(&f->lg, f->log_path) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	log_close(&f->lg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A fresh ECDSA P-256 key written as PEM with the given mode. */
static void write_key(const char *path, mode_t mode)
{
	struct hostkey *k = NULL;
	char pem[4096];

	assert_int_equal(hostkey_generate(&k, PUBKEY_ECDSA, 256), 0);
	int n = hostkey_to_pem(k, pem, sizeof(pem));
	assert_true(n > 0);
	hostkey_free(k);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pem, strlen(pem)), (ssize_t)strlen(pem));
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static void check_keys(struct fixture *f, const char *const *names, size_t n, int want)
{
	struct sshd_config cfg;
	char paths[8][128];
	char *v[8];

	assert_true(n <= 8);
	sshd_config_init(&cfg);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], "none") == 0)
			snprintf(paths[i], sizeof(paths[i]), "none");
		else
			snprintf(paths[i], sizeof(paths[i]), "%s/%s", f->dir, names[i]);
		v[i] = paths[i];
	}
	/* a borrowed list: not freed through cfg */
	cfg.host_key_files.v = v;
	cfg.host_key_files.n = n;
	assert_int_equal(hostkeys_check(&cfg, &f->lg), want);
	cfg.host_key_files.v = NULL;
	cfg.host_key_files.n = 0;
	sshd_config_free(&cfg);
}

static void test_hostkeys_good_and_bad(void **state)
{
	struct fixture *f = *state;
	char p[160];

	snprintf(p, sizeof(p), "%s/good", f->dir);
	write_key(p, 0600);
	snprintf(p, sizeof(p), "%s/open", f->dir);
	write_key(p, 0644);
	snprintf(p, sizeof(p), "%s/junk", f->dir);
	int fd = open(p, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "junk\n", 5), 5);
	close(fd);

	const char *one[] = { "good" };
	check_keys(f, one, 1, 1);
	const char *mixed[] = { "missing", "open", "good", "junk", "none", "good" };
	check_keys(f, mixed, 6, 2);
	const char *bad[] = { "missing", "open", "junk" };
	check_keys(f, bad, 3, 0);
	check_keys(f, NULL, 0, 0);

	const char *log = slurp(f->log_path);
	char want[256];
	/* a missing file: only the second line, as OpenSSH */
	snprintf(want, sizeof(want), "Unable to load host key: %s/missing\n", f->dir);
	assert_non_null(strstr(log, want));
	snprintf(want, sizeof(want), "Unable to load host key \"%s/missing\"", f->dir);
	assert_null(strstr(log, want));
	/* too open, and malformed: the reason, then the second line */
	snprintf(want, sizeof(want), "Unable to load host key \"%s/open\": UNPROTECTED", f->dir);
	assert_non_null(strstr(log, want));
	snprintf(want, sizeof(want), "Unable to load host key \"%s/junk\": ", f->dir);
	assert_non_null(strstr(log, want));
	snprintf(want, sizeof(want), "Unable to load host key: %s/good", f->dir);
	assert_null(strstr(log, want));
	assert_null(strstr(log, "Unable to load host key: none"));
}

static int tcp_pair(int family, const char *addr, int *client, int *server)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int l = socket(family, SOCK_STREAM, 0);

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &s4->sin_addr);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		len = sizeof(*s6);
	}
	if (l < 0 || bind(l, (struct sockaddr *)&ss, len) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&ss, &len) < 0) {
		if (l >= 0)
			close(l);
		return -1;
	}
	*client = socket(family, SOCK_STREAM, 0);
	if (*client < 0 || connect(*client, (struct sockaddr *)&ss, len) < 0) {
		close(l);
		return -1;
	}
	*server = accept(l, NULL, NULL);
	close(l);
	return *server < 0 ? -1 : 0;
}

static int port_of(int fd, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if ((peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
		  : getsockname(fd, (struct sockaddr *)&ss, &len)) < 0)
		return -1;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void test_conn_addr_ipv4(void **state)
{
	(void)state;
	struct sshd_conn_ctx ctx;
	int c, s;

	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(tcp_pair(AF_INET, "127.0.0.1", &c, &s), 0);
	assert_int_equal(conn_addr_fill(&ctx, s), 0);
	assert_string_equal(ctx.peer_addr, "127.0.0.1");
	assert_string_equal(ctx.local_addr, "127.0.0.1");
	assert_int_equal(ctx.peer_port, port_of(c, false));
	assert_int_equal(ctx.local_port, port_of(c, true));
	assert_int_not_equal(ctx.peer_port, ctx.local_port);
	close(c);
	close(s);
}

static void test_conn_addr_ipv6(void **state)
{
	(void)state;
	struct sshd_conn_ctx ctx;
	int c, s;

	memset(&ctx, 0, sizeof(ctx));
	if (tcp_pair(AF_INET6, "::1", &c, &s) < 0)
		skip();		/* no IPv6 loopback here */
	assert_int_equal(conn_addr_fill(&ctx, s), 0);
	assert_string_equal(ctx.peer_addr, "::1");
	assert_string_equal(ctx.local_addr, "::1");
	assert_int_equal(ctx.peer_port, port_of(c, false));
	close(c);
	close(s);
}

static void test_conn_addr_mapped(void **state)
{
	(void)state;
	struct sshd_conn_ctx ctx;
	int c, s;

	memset(&ctx, 0, sizeof(ctx));
	/* a dual-stack listener on :: accepting an IPv4 client sees ::ffff:127.0.0.1 */
	if (tcp_pair(AF_INET6, "::ffff:127.0.0.1", &c, &s) < 0)
		skip();
	assert_int_equal(conn_addr_fill(&ctx, s), 0);
	assert_string_equal(ctx.peer_addr, "127.0.0.1");
	assert_string_equal(ctx.local_addr, "127.0.0.1");
	close(c);
	close(s);
}

static void test_conn_addr_not_ip(void **state)
{
	(void)state;
	struct sshd_conn_ctx ctx;
	int sv[2], p[2];

	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(conn_addr_fill(&ctx, sv[0]), -ENOTSOCK);
	assert_string_equal(ctx.peer_addr, "UNKNOWN");
	assert_string_equal(ctx.local_addr, "UNKNOWN");
	assert_int_equal(ctx.peer_port, 65535);
	assert_int_equal(ctx.local_port, 65535);
	close(sv[0]);
	close(sv[1]);
	/* sshd -i on a pipe */
	memset(&ctx, 0, sizeof(ctx));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(conn_addr_fill(&ctx, p[0]), -ENOTSOCK);
	assert_string_equal(ctx.peer_addr, "UNKNOWN");
	assert_int_equal(ctx.peer_port, 65535);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hostkeys_good_and_bad, setup, teardown),
		cmocka_unit_test(test_conn_addr_ipv4),
		cmocka_unit_test(test_conn_addr_ipv6),
		cmocka_unit_test(test_conn_addr_mapped),
		cmocka_unit_test(test_conn_addr_not_ip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
