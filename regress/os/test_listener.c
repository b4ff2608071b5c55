/* Listener pieces in-process: the MaxStartups drop decision, binding (IPv4, IPv6 with
 * V6ONLY, busy ports, bad parameters), PidFile handling, signals read as flags, and the
 * sealed configuration memfd. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "regress/os/os_test_util.h"
#include "sshd/daemon.h"
#include "sshd/listener.h"
#include "sshd/pidfile.h"
#include "sshd/reexec.h"

static void test_should_drop(void **state)
{
	(void)state;
	struct maxstartups ms = { 10, 30, 100 };
	for (uint32_t r = 0; r < 100; r++) {
		assert_false(listener_should_drop(&ms, 0, r));
		assert_false(listener_should_drop(&ms, 9, r));
		assert_true(listener_should_drop(&ms, 100, r));
		assert_true(listener_should_drop(&ms, 1000, r));
	}
	/* at begin: rate% of connections dropped */
	assert_true(listener_should_drop(&ms, 10, 29));
	assert_false(listener_should_drop(&ms, 10, 30));
	/* half way (55): 30 + 70 * 45 / 90 = 65% */
	assert_true(listener_should_drop(&ms, 55, 64));
	assert_false(listener_should_drop(&ms, 55, 65));
	/* near full: almost all */
	assert_true(listener_should_drop(&ms, 99, 98));
	assert_false(listener_should_drop(&ms, 99, 99));
	/* "MaxStartups N": begin = full = N, a hard limit */
	struct maxstartups hard = { 1, 100, 1 };
	assert_false(listener_should_drop(&hard, 0, 0));
	assert_true(listener_should_drop(&hard, 1, 99));
}

static const struct maxstartups default_ms = { 10, 30, 100 };

static void test_bind_ipv4_ephemeral(void **state)
{
	(void)state;
	struct listener l;
	struct listen_addr a[] = { { "127.0.0.1", "0" } };
	assert_int_equal(listener_open(&l, a, 1, AF_UNSPEC, &default_ms, NULL), 0);
	assert_int_equal(l.nsocks, 1);
	int port = listener_port(&l, 0);
	assert_true(port > 0);
	int fl = fcntl(l.socks[0], F_GETFD);
	assert_true(fl & FD_CLOEXEC);
	assert_true(fcntl(l.socks[0], F_GETFL) & O_NONBLOCK);
	int v = 0;
	socklen_t vl = sizeof(v);
	assert_int_equal(getsockopt(l.socks[0], SOL_SOCKET, SO_REUSEADDR, &v, &vl), 0);
	assert_true(v != 0);

	/* the same port again: busy, so nothing could be bound */
	char pbuf[16];
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	struct listener l2;
	struct listen_addr busy[] = { { "127.0.0.1", pbuf } };
	assert_int_equal(listener_open(&l2, busy, 1, AF_UNSPEC, &default_ms, NULL), -EADDRNOTAVAIL);
	/* one bad address among good ones is skipped */
	struct listen_addr mixed[] = { { "127.0.0.1", pbuf }, { "127.0.0.1", "0" },
				       { "no.such.host.invalid", "0" } };
	assert_int_equal(listener_open(&l2, mixed, 3, AF_UNSPEC, &default_ms, NULL), 0);
	assert_int_equal(l2.nsocks, 1);
	listener_close(&l2);
	listener_close(&l);
	assert_int_equal(l.nsocks, 0);
}

static void test_bind_ipv6_v6only(void **state)
{
	(void)state;
	struct listener l;
	struct listen_addr a[] = { { "::", "0" } };
	bool both = false;

	/* "::" on an ephemeral port, then 0.0.0.0 on the same port: only possible with
	 * IPV6_V6ONLY.  A port some other process holds on IPv4 is retried, bounded. */
	for (int attempt = 0; attempt < 20 && !both; attempt++) {
		int r = listener_open(&l, a, 1, AF_INET6, &default_ms, NULL);
		if (r == -EADDRNOTAVAIL)
			skip();	/* no IPv6 on this machine */
		assert_int_equal(r, 0);
		int v = 0;
		socklen_t vl = sizeof(v);
		assert_int_equal(getsockopt(l.socks[0], IPPROTO_IPV6, IPV6_V6ONLY, &v, &vl), 0);
		assert_int_equal(v, 1);
		char pbuf[16];
		snprintf(pbuf, sizeof(pbuf), "%d", listener_port(&l, 0));
		struct listener l4;
		struct listen_addr a4[] = { { "0.0.0.0", pbuf } };
		r = listener_open(&l4, a4, 1, AF_INET, &default_ms, NULL);
		if (r == 0) {
			both = true;
			listener_close(&l4);
		} else {
			assert_int_equal(r, -EADDRNOTAVAIL);
		}
		listener_close(&l);
	}
	assert_true(both);
}

static void test_bind_family_filter(void **state)
{
	(void)state;
	struct listener l;
	struct listen_addr a[] = { { NULL, "0" } };
	/* AddressFamily inet: the wildcard is 0.0.0.0 only */
	assert_int_equal(listener_open(&l, a, 1, AF_INET, &default_ms, NULL), 0);
	assert_int_equal(l.nsocks, 1);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	assert_int_equal(getsockname(l.socks[0], (struct sockaddr *)&ss, &sl), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	listener_close(&l);
	/* an IPv6 address under AddressFamily inet is not bound */
	struct listen_addr a6[] = { { "::1", "0" } };
	assert_int_equal(listener_open(&l, a6, 1, AF_INET, &default_ms, NULL), -EADDRNOTAVAIL);
}

static void test_bind_bad_params(void **state)
{
	(void)state;
	struct listener l;
	struct listen_addr a[] = { { "127.0.0.1", "0" } };
	struct maxstartups bad[] = { { 11, 30, 10 }, { 1, 0, 10 }, { 1, 101, 10 }, { -1, 30, 10 },
				     { 1, 30, 0 }, { 1, 30, LISTENER_STARTUPS_MAX + 1 } };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(listener_open(&l, a, 1, AF_UNSPEC, &bad[i], NULL), -EINVAL);
	assert_int_equal(listener_open(&l, a, 0, AF_UNSPEC, &default_ms, NULL), -EINVAL);
	assert_int_equal(listener_open(&l, a, 1, AF_UNIX, &default_ms, NULL), -EINVAL);
	struct listen_addr badport[] = { { "127.0.0.1", "ssh" } };	/* numeric only */
	assert_int_equal(listener_open(&l, badport, 1, AF_UNSPEC, &default_ms, NULL), -EADDRNOTAVAIL);
	assert_int_equal(listener_run(NULL, 0, NULL, NULL), -EINVAL);
}

static void test_pidfile(void **state)
{
	(void)state;
	char dir[] = "/tmp/msshd-pidfile.XXXXXX", path[64];
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sshd.pid", dir);
	assert_int_equal(pidfile_write(path, 4242), 0);
	char text[32];
	assert_int_equal(os_test_read_file(path, text, sizeof(text)), 5);
	assert_string_equal(text, "4242\n");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(pidfile_read(path, &pid), 0);
	assert_int_equal(pid, 4242);
	/* rewritten in place (SIGHUP restart) */
	assert_int_equal(pidfile_write(path, 4243), 0);
	assert_int_equal(pidfile_read(path, &pid), 0);
	assert_int_equal(pid, 4243);
	/* somebody else's file is not removed */
	assert_int_equal(pidfile_remove(path, 4242), -ESRCH);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(pidfile_remove(path, 4243), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(pidfile_remove(path, 4243), -ENOENT);
	/* malformed contents */
	const char *bad[] = { "", "abc\n", "12", "12\n13\n", "-5\n", "0\n", "99999999999\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, bad[i], strlen(bad[i])), (ssize_t)strlen(bad[i]));
		close(fd);
		assert_int_equal(pidfile_read(path, &pid), -EBADMSG);
	}
	assert_int_equal(pidfile_remove(path, 1), 0);	/* a damaged file of ours: removed */
	assert_int_equal(pidfile_write(path, 0), -EINVAL);
	assert_int_equal(pidfile_write("/nonexistent-dir/x.pid", 5), -ENOENT);
	/* no temporary file left behind */
	assert_int_equal(rmdir(dir), 0);
}

static void test_signals_as_flags(void **state)
{
	(void)state;
	struct daemon_flags fl = { 0 };
	int fd = daemon_signals_open();
	assert_true(fd >= 0);
	assert_int_equal(daemon_signals_read(fd, &fl), 0);
	assert_false(fl.term || fl.hup || fl.chld);
	/* blocked: raising them does not run anything, they are read as flags */
	raise(SIGHUP);
	assert_int_equal(daemon_signals_read(fd, &fl), 1);
	assert_true(fl.hup);
	assert_false(fl.term);
	raise(SIGTERM);
	raise(SIGCHLD);
	assert_int_equal(daemon_signals_read(fd, &fl), 2);
	assert_true(fl.term && fl.chld);
	/* SIGPIPE is ignored: a write to a closed pipe is EPIPE */
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	assert_int_equal(write(p[1], "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	close(p[1]);
	close(fd);
	daemon_signals_release();
	assert_int_equal(daemon_signals_read(-1, &fl), -EINVAL);
}

static void test_config_memfd(void **state)
{
	(void)state;
	const char text[] = "Port 4242\nListenAddress 127.0.0.1\n";
	int fd = reexec_config_memfd(text, sizeof(text) - 1);
	assert_true(fd >= 0);
	/* sealed: nobody can change what the next child reads */
	assert_int_equal(write(fd, "x", 1), -1);
	assert_int_equal(ftruncate(fd, 0), -1);
	assert_int_equal(fcntl(fd, F_GET_SEALS) & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW),
			 F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
	/* read back the way a child does, at the fixed descriptor */
	int saved = dup(REEXEC_CONFIG_FD);
	assert_true(dup2(fd, REEXEC_CONFIG_FD) == REEXEC_CONFIG_FD);
	char *got;
	size_t len;
	assert_int_equal(reexec_read_config(&got, &len), 0);
	assert_int_equal(len, sizeof(text) - 1);
	assert_string_equal(got, text);
	free(got);
	/* it closed the descriptor: a second read finds no layout */
	assert_int_equal(reexec_read_config(&got, &len), -EBADF);
	if (saved >= 0) {
		dup2(saved, REEXEC_CONFIG_FD);
		close(saved);
	}
	close(fd);
	assert_int_equal(reexec_config_memfd(NULL, 1), -EINVAL);
	assert_int_equal(reexec_config_memfd(text, REEXEC_CONFIG_MAX + 1), -EMSGSIZE);
	int self = reexec_self_open();
	assert_true(self >= 0);
	assert_true(fcntl(self, F_GETFD) & FD_CLOEXEC);
	close(self);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_should_drop),
		cmocka_unit_test(test_bind_ipv4_ephemeral),
		cmocka_unit_test(test_bind_ipv6_v6only),
		cmocka_unit_test(test_bind_family_filter),
		cmocka_unit_test(test_bind_bad_params),
		cmocka_unit_test(test_pidfile),
		cmocka_unit_test(test_signals_as_flags),
		cmocka_unit_test(test_config_memfd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
