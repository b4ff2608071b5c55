/* The listener as a running daemon, through regress/os/listener_driver.c: foreground and
 * detached start, PidFile written after binding and removed on SIGTERM within a bounded
 * time, MaxStartups dropping, SIGHUP re-execution keeping open connections, and
 * per-connection re-execution of a deleted binary with the configuration passed along.
 * Every process started here is stopped here, by PID. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "regress/os/os_test_util.h"
#include "sshd/pidfile.h"

struct fx {
	char dir[64];
	char pidfile[128], portfile[128], logfile[128], config[128], copy[128];
	char driver[PATH_MAX];
	char chroot_dir[64];	/* made by a test, removed by teardown */
	pid_t started;		/* the process we ran */
	pid_t daemon;		/* the daemon it became (may equal started) */
	char text[65536];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char self[PATH_MAX];

	if (f == NULL)
		return -1;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	snprintf(f->driver, sizeof(f->driver), "%s/os-listener-driver", dirname(self));
	snprintf(f->dir, sizeof(f->dir), "/tmp/msshd-listener.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->pidfile, sizeof(f->pidfile), "%s/sshd.pid", f->dir);
	snprintf(f->portfile, sizeof(f->portfile), "%s/port", f->dir);
	snprintf(f->logfile, sizeof(f->logfile), "%s/log", f->dir);
	snprintf(f->config, sizeof(f->config), "%s/sshd_config", f->dir);
	snprintf(f->copy, sizeof(f->copy), "%s/driver-copy", f->dir);
	*state = f;
	return 0;
}

static int alive(pid_t pid)
{
	char path[64], st[4096];
	if (kill(pid, 0) < 0)
		return 0;
	/* a zombie waiting for init counts as gone */
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if (os_test_read_file(path, st, sizeof(st)) <= 0)
		return 0;
	char *p = strrchr(st, ')');
	return p != NULL && p[1] == ' ' && p[2] != 'Z';
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int st;

	/* anything still running that we started is stopped, by pid */
	if (f->daemon > 0 && f->daemon != f->started && alive(f->daemon))
		kill(f->daemon, SIGKILL);
	if (f->started > 0) {
		kill(f->started, SIGKILL);
		waitpid(f->started, &st, 0);
	}
	unlink(f->pidfile);
	unlink(f->portfile);
	unlink(f->logfile);
	unlink(f->config);
	unlink(f->copy);
	char tmp[160];
	snprintf(tmp, sizeof(tmp), "%s.tmp", f->portfile);
	unlink(tmp);
	rmdir(f->dir);
	if (f->chroot_dir[0])
		rmdir(f->chroot_dir);
	free(f);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* Waits for `path` to exist (want=1) or not (want=0); returns the ms it took, or -1. */
static long wait_file(const char *path, int want, long limit_ms)
{
	long t0 = now_ms();
	while (now_ms() - t0 < limit_ms) {
		if ((access(path, F_OK) == 0) == want)
			return now_ms() - t0;
		sleep_ms(10);
	}
	return -1;
}

static void start(struct fx *f, const char *binary, const char *const extra[])
{
	const char *argv[16] = { binary, "-p", f->pidfile, "-o", f->portfile, "-E", f->logfile };
	int n = 7;
	for (int i = 0; extra[i] != NULL && n < 15; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	f->started = fork();
	assert_true(f->started >= 0);
	if (f->started == 0) {
		execv(binary, (char *const *)argv);
		_exit(127);
	}
}

static pid_t wait_pidfile(struct fx *f)
{
	pid_t pid = 0;
	assert_true(wait_file(f->pidfile, 1, 10000) >= 0);
	assert_int_equal(pidfile_read(f->pidfile, &pid), 0);
	return pid;
}

static int port_of(struct fx *f)
{
	char text[32];
	assert_true(os_test_read_file(f->portfile, text, sizeof(text)) > 0);
	return atoi(text);
}

static int dial(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { 5, 0 };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	assert_int_equal(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	assert_int_equal(connect(s, (struct sockaddr *)&a, sizeof(a)), 0);
	return s;
}

/* Reads until `n` bytes, EOF, or the 5 s receive timeout. */
static int read_some(int s, char *buf, size_t cap, size_t n)
{
	size_t used = 0;
	while (used < n && used < cap - 1) {
		ssize_t k = read(s, buf + used, cap - 1 - used);
		if (k <= 0)
			break;
		used += (size_t)k;
	}
	buf[used] = '\0';
	return (int)used;
}

static void expect(int s, const char *want)
{
	char buf[4096];
	read_some(s, buf, sizeof(buf), strlen(want));
	assert_string_equal(buf, want);
}

static void echo_roundtrip(int s, const char *line)
{
	char want[128];
	assert_int_equal(write(s, line, strlen(line)), (ssize_t)strlen(line));
	snprintf(want, sizeof(want), "echo:%s", line);
	expect(s, want);
}

/* SIGTERM: PidFile gone within a bounded time, exit status 0. */
static void stop_and_check(struct fx *f, pid_t pid, bool is_child)
{
	long t0 = now_ms();
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_true(wait_file(f->pidfile, 0, 5000) >= 0);
	if (is_child) {
		int st;
		assert_int_equal(os_test_wait(pid, 5000, &st), 0);
		f->started = 0;
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	} else {
		while (alive(pid) && now_ms() - t0 < 5000)
			sleep_ms(10);
		assert_false(alive(pid));
		f->daemon = 0;
	}
	assert_true(now_ms() - t0 < 5000);
}

static const char *log_of(struct fx *f)
{
	os_test_read_file(f->logfile, f->text, sizeof(f->text));
	return f->text;
}

static void test_foreground_serve_and_term(void **state)
{
	struct fx *f = *state;
	const char *extra[] = { "-D", NULL };

	start(f, f->driver, extra);
	pid_t pid = wait_pidfile(f);
	assert_int_equal(pid, f->started);
	int s = dial(port_of(f));
	expect(s, "hello\n");
	echo_roundtrip(s, "one\n");
	close(s);
	stop_and_check(f, pid, true);
	assert_non_null(strstr(log_of(f), "Server listening on 127.0.0.1 port"));
	assert_non_null(strstr(f->text, "Received signal 15; terminating."));
}

static void test_detached_daemon(void **state)
{
	struct fx *f = *state;
	const char *extra[] = { NULL };
	int st;

	start(f, f->driver, extra);
	/* the command returns at once, as test-exec.sh's start_sshd expects */
	assert_int_equal(os_test_wait(f->started, 10000, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	pid_t started = f->started;
	f->started = 0;
	f->daemon = wait_pidfile(f);
	assert_true(f->daemon != started);
	assert_true(alive(f->daemon));
	/* detached: a session of its own */
	assert_int_equal(getsid(f->daemon), f->daemon);
	int s = dial(port_of(f));
	expect(s, "hello\n");
	echo_roundtrip(s, "two\n");
	close(s);
	stop_and_check(f, f->daemon, false);
}

static void test_maxstartups_drops(void **state)
{
	struct fx *f = *state;
	const char *extra[] = { "-D", "-m", "1:100:1", NULL };
	char buf[64];

	start(f, f->driver, extra);
	pid_t pid = wait_pidfile(f);
	int port = port_of(f);
	int a = dial(port);
	expect(a, "hello\n");			/* holds the only startup slot */
	int b = dial(port);
	assert_int_equal(read_some(b, buf, sizeof(buf), 6), 0);	/* dropped: closed at once */
	close(b);
	echo_roundtrip(a, "auth\n");		/* slot freed ("authenticated") */
	close(a);
	int c = -1;
	bool served = false;
	for (int i = 0; i < 50 && !served; i++) {
		c = dial(port);
		served = read_some(c, buf, sizeof(buf), 6) == 6;
		close(c);
		if (!served)
			sleep_ms(20);
	}
	assert_true(served);
	assert_non_null(strstr(log_of(f), "past MaxStartups"));
	stop_and_check(f, pid, true);
}

static void test_sighup_reexec_keeps_connections(void **state)
{
	struct fx *f = *state;
	const char *extra[] = { "-D", NULL };

	start(f, f->driver, extra);
	pid_t pid = wait_pidfile(f);
	int old = dial(port_of(f));
	expect(old, "hello\n");

	assert_int_equal(unlink(f->pidfile), 0);
	assert_int_equal(unlink(f->portfile), 0);
	assert_int_equal(kill(pid, SIGHUP), 0);
	assert_int_equal(wait_pidfile(f), pid);	/* same process, new image */
	int s = dial(port_of(f));
	expect(s, "hello\n");
	echo_roundtrip(s, "after\n");
	close(s);
	/* the connection accepted before the restart is still served */
	echo_roundtrip(old, "before\n");
	close(old);
	assert_non_null(strstr(log_of(f), "Received SIGHUP; restarting."));
	stop_and_check(f, pid, true);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(in >= 0 && out >= 0);
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void test_reexec_deleted_binary_and_config(void **state)
{
	struct fx *f = *state;
	const char cfg[] = "Port 4242\nListenAddress 127.0.0.1\n";
	const char *extra[] = { "-D", "-x", "-c", f->config, NULL };

	copy_file(f->driver, f->copy, 0755);
	write_text(f->config, cfg);
	start(f, f->copy, extra);
	pid_t pid = wait_pidfile(f);
	/* as OpenSSH's reexec test: the binary is deleted and the config made invalid */
	assert_int_equal(unlink(f->copy), 0);
	write_text(f->config, "InvalidXXX=no\n");

	for (int i = 0; i < 2; i++) {
		int s = dial(port_of(f));
		/* the child got the text read at start, and only fds 0, 1, 2, 3 and 5 */
		expect(s, "config:Port 4242\nListenAddress 127.0.0.1\nfds:5\n");
		echo_roundtrip(s, "reexec\n");
		close(s);
	}
	stop_and_check(f, pid, true);
}

/* The whole OS layer composed as the daemon will be: listener -> re-executed
 * per-connection monitor -> confined net child holding the TCP socket.  Checked from
 * outside while the connection is open, as issue 5 asks of the real server. */
static void test_split_architecture_from_outside(void **state)
{
	struct fx *f = *state;
	char *chroot_dir = f->chroot_dir, cfg[512], buf[256], v[256], path[64], link[PATH_MAX];
	const char *extra[] = { "-D", "-X", "-c", f->config, NULL };

	if (geteuid() == 0) {
		assert_int_equal(os_test_ensure_user(), 0);
		assert_int_equal(os_test_make_chroot(chroot_dir, sizeof(f->chroot_dir)), 0);
	}
	snprintf(cfg, sizeof(cfg), "chroot %s\nuser %s\nlog %s\n",
		 chroot_dir[0] ? chroot_dir : "/run/sshd", OS_TEST_USER, f->logfile);
	write_text(f->config, cfg);
	start(f, f->driver, extra);
	pid_t pid = wait_pidfile(f);
	int s = dial(port_of(f));
	size_t used = 0;	/* one line, "net:PID\n", bounded by size and the read timeout */
	while (used < sizeof(buf) - 1 && (used == 0 || buf[used - 1] != '\n') &&
	       read(s, buf + used, 1) == 1)
		used++;
	buf[used] = '\0';
	assert_memory_equal(buf, "net:", 4);
	assert_non_null(strchr(buf, '\n'));
	pid_t net = (pid_t)atol(buf + 4);
	assert_true(net > 0);

	/* the net child: confined */
	assert_int_equal(os_test_proc_status(net, "Seccomp", v, sizeof(v)), 0);
	assert_string_equal(v, "2");
	assert_int_equal(os_test_proc_status(net, "NoNewPrivs", v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	assert_int_equal(os_test_proc_status(net, "PPid", v, sizeof(v)), 0);
	pid_t monitor = (pid_t)atol(v);
	assert_true(monitor > 0 && monitor != pid);
	/* the monitor is not confined */
	assert_int_equal(os_test_proc_status(monitor, "Seccomp", v, sizeof(v)), 0);
	assert_string_equal(v, "0");
	if (geteuid() == 0) {
		/* it holds the TCP socket, and only it (the net child is not dumpable: only root
		 * may look at its descriptors) */
		snprintf(path, sizeof(path), "/proc/%ld/fd/3", (long)net);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		assert_true(n > 0);
		link[n] = '\0';
		assert_memory_equal(link, "socket:", 7);
		for (int fd = 0; fd < 64; fd++) {	/* no descriptor of the monitor is that socket */
			char other[PATH_MAX];
			snprintf(path, sizeof(path), "/proc/%ld/fd/%d", (long)monitor, fd);
			ssize_t k = readlink(path, other, sizeof(other) - 1);
			if (k > 0) {
				other[k] = '\0';
				assert_string_not_equal(other, link);
			}
		}
		struct passwd *pw = getpwnam(OS_TEST_USER);
		assert_non_null(pw);
		char want[64];
		snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", pw->pw_uid, pw->pw_uid, pw->pw_uid,
			 pw->pw_uid);
		assert_int_equal(os_test_proc_status(net, "Uid", v, sizeof(v)), 0);
		assert_string_equal(v, want);
		snprintf(path, sizeof(path), "/proc/%ld/root", (long)net);
		char root[PATH_MAX];
		n = readlink(path, root, sizeof(root) - 1);
		assert_true(n > 0);
		root[n] = '\0';
		assert_string_equal(root, chroot_dir);
		assert_int_equal(os_test_proc_status(monitor, "Uid", v, sizeof(v)), 0);
		assert_string_equal(v, "0\t0\t0\t0");
	}
	echo_roundtrip(s, "split\n");
	close(s);
	/* the net child's log line reached the log through the monitor, tagged */
	long t0 = now_ms();
	while (strstr(log_of(f), "[net] net child serving") == NULL && now_ms() - t0 < 5000)
		sleep_ms(20);
	assert_non_null(strstr(f->text, "[net] net child serving"));
	stop_and_check(f, pid, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_foreground_serve_and_term, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detached_daemon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_maxstartups_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sighup_reexec_keeps_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reexec_deleted_binary_and_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_architecture_from_outside, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
