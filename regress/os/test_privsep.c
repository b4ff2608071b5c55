/* privsep: the monitor / net-child split with trivial entry and loop functions — framed
 * echo over IPC, a descriptor passed to the confined child, the child's log relayed with a
 * [net] tag, and every way a connection can end (normal, child killed, protocol broken,
 * child stuck, child killed by the sandbox) ending cleanly and in bounded time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "regress/os/os_test_util.h"
#include "sshd/fdpass.h"
#include "sshd/privsep.h"

struct fx {
	char dir[64];
	bool have_dir;
	char logpath[64];
	struct log_ctx lg;
	struct sandbox_plan plan;
	int conn[2];		/* [0] given to the child, [1] the "client" */
	int secret_fd;		/* open in the monitor: must not reach the child */
	int out_pipe[2];	/* the monitor passes out_pipe[1] to the child */
	const char *child_mode;	/* what net_main does */
	pid_t aux_pid;		/* a monitor process a test forked, if still running */
	int prepare_saw_secret;	/* set in the child's copy, reported over IPC */
	char text[65536];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct sandbox_opts o = { .nofile = 16 };

	if (f == NULL)
		return -1;
	if (geteuid() == 0) {
		if (os_test_ensure_user() < 0 || os_test_make_chroot(f->dir, sizeof(f->dir)) < 0)
			return -1;
		f->have_dir = true;
		o.chroot_dir = f->dir;
		o.user = OS_TEST_USER;
	}
	snprintf(f->logpath, sizeof(f->logpath), "/tmp/msshd-privsep-log.XXXXXX");
	int fd = mkstemp(f->logpath);
	if (fd < 0)
		return -1;
	close(fd);
	if (log_init(&f->lg, "sshd", LOG_LEVEL_DEBUG3, LOG_DEST_STDERR, 0, -1) < 0 ||
	    log_open_file(&f->lg, f->logpath) < 0 || sandbox_prepare(&o, &f->plan, &f->lg) < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f->conn) < 0 ||
	    pipe2(f->out_pipe, O_CLOEXEC) < 0)
		return -1;
	f->secret_fd = open("/dev/zero", O_RDONLY);	/* deliberately not close-on-exec */
	*state = f;
	return f->secret_fd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (f->aux_pid > 0) {	/* ours: stop it by pid; its net child dies with it */
		int st;
		kill(f->aux_pid, SIGKILL);
		waitpid(f->aux_pid, &st, 0);
	}
	close(f->conn[1]);
	close(f->out_pipe[0]);
	if (f->out_pipe[1] >= 0)
		close(f->out_pipe[1]);
	close(f->secret_fd);
	log_close(&f->lg);
	unlink(f->logpath);
	if (f->have_dir)
		rmdir(f->dir);
	free(f);
	return 0;
}

static const char *log_text_of(struct fx *f)
{
	assert_true(os_test_read_file(f->logpath, f->text, sizeof(f->text)) >= 0);
	return f->text;
}

/* ---- the net child side (runs confined) ---- */

static int net_prepare(struct privsep_net *net)
{
	struct fx *f = net->arg;
	/* before the sandbox fcntl is still allowed: is the monitor's file here? */
	f->prepare_saw_secret = fcntl(f->secret_fd, F_GETFD) >= 0 ||
				fcntl(f->out_pipe[0], F_GETFD) >= 0;
	return 0;
}

static int net_main(struct privsep_net *net)
{
	struct fx *f = net->arg;
	char buf[256];
	int fd = -1, n;

	log_msg(&net->log, LOG_LEVEL_INFO, "child says hi\nfatal: forged");
	if (strcmp(f->child_mode, "garbage") == 0) {
		(void)fdpass_send(net->ipc_fd, "garbage", 7, -1, 1000);
		poll(NULL, 0, 60000);	/* wait to be killed */
		return 9;
	}
	if (strcmp(f->child_mode, "stuck") == 0 || strcmp(f->child_mode, "die") == 0) {
		(void)fdpass_send(net->ipc_fd, "ready", 5, -1, 1000);
		poll(NULL, 0, 60000);	/* ignores the IPC socket closing */
		return 9;
	}
	if (strcmp(f->child_mode, "violate") == 0) {
		(void)fdpass_send(net->ipc_fd, "ready", 5, -1, 1000);
		(void)socket(AF_INET, SOCK_STREAM, 0);	/* SIGSYS */
		return 9;
	}

	/* "echo": hello -> echo:hello, then an fd, then bye */
	if (fdpass_send(net->ipc_fd, f->prepare_saw_secret ? "leak" : "hello", 5, -1, 1000) < 0)
		return 1;
	n = fdpass_recv(net->ipc_fd, buf, sizeof(buf), NULL, 5000);
	if (n != 10 || memcmp(buf, "echo:hello", 10) != 0)
		return 2;
	if (fdpass_send(net->ipc_fd, "fd?", 3, -1, 1000) < 0)
		return 3;
	n = fdpass_recv(net->ipc_fd, buf, sizeof(buf), &fd, 5000);
	if (n != 2 || fd < 0)
		return 4;
	if (write(fd, "from-child", 10) != 10)
		return 5;
	close(fd);
	/* the connection: read a line from the client, answer it */
	n = (int)read(net->conn_in, buf, sizeof(buf));
	if (n <= 0)
		return 6;
	if (write(net->conn_out, "conn:", 5) != 5 || write(net->conn_out, buf, (size_t)n) != n)
		return 7;
	if (fdpass_send(net->ipc_fd, "bye", 3, -1, 1000) < 0)
		return 8;
	return 0;
}

/* ---- the monitor side ---- */

static int monitor_loop(struct privsep_monitor *mon)
{
	struct fx *f = mon->arg;
	char buf[256];

	for (int rounds = 0; rounds < 100; rounds++) {
		int w = privsep_monitor_wait(mon, NULL, 0, 10000);
		if (w == 0)
			return -ETIMEDOUT;
		if (w == -EPIPE)
			return 0;	/* child gone: the connection is over */
		if (w < 0)
			return w;
		int n = fdpass_recv(mon->ipc_fd, buf, sizeof(buf) - 1, NULL, 0);
		if (n == -EAGAIN)
			continue;
		if (n == -EPIPE)
			return 0;
		if (n < 0)
			return -EPROTO;
		buf[n] = '\0';
		if (strcmp(buf, "hello") == 0) {
			if (fdpass_send(mon->ipc_fd, "echo:hello", 10, -1, 1000) < 0)
				return -EPIPE;
		} else if (strcmp(buf, "fd?") == 0) {
			if (fdpass_send(mon->ipc_fd, "fd", 2, f->out_pipe[1], 1000) < 0)
				return -EPIPE;
			close(f->out_pipe[1]);
			f->out_pipe[1] = -1;
		} else if (strcmp(buf, "bye") == 0) {
			return 0;
		} else if (strcmp(buf, "ready") == 0) {
			if (strcmp(f->child_mode, "die") == 0)
				kill(mon->child, SIGKILL);	/* killed mid-way */
			if (strcmp(f->child_mode, "stuck") == 0)
				return 0;			/* done; child ignores it */
		} else {
			return -EPROTO;				/* "garbage", "leak" */
		}
	}
	return -ELOOP;
}

static long run(struct fx *f, const char *mode, struct privsep_result *res, int grace_ms)
{
	struct privsep_params p = {
		.conn_in = f->conn[0], .conn_out = f->conn[0], .sandbox = &f->plan, .log = &f->lg,
		.net_prepare = net_prepare, .net_main = net_main, .monitor_loop = monitor_loop,
		.arg = f, .exit_grace_ms = grace_ms,
	};
	struct timespec a, b;

	f->child_mode = mode;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(privsep_run(&p, res), 0);
	clock_gettime(CLOCK_MONOTONIC, &b);
	/* the connection's socket now lives only in the (dead) child */
	assert_int_equal(fcntl(f->conn[0], F_GETFD), -1);
	return (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
}

static void test_echo_fd_and_log(void **state)
{
	struct fx *f = *state;
	struct privsep_result res;
	char buf[64];

	assert_int_equal(write(f->conn[1], "line\n", 5), 5);
	int fds_before = os_test_count_fds();
	long ms = run(f, "echo", &res, 0);
	assert_int_equal(res.loop_rc, 0);
	assert_true(WIFEXITED(res.child_status));
	assert_int_equal(WEXITSTATUS(res.child_status), 0);
	assert_false(res.child_killed);
	assert_true(ms < 10000);
	/* the descriptor the monitor passed was used by the confined child */
	assert_int_equal(read(f->out_pipe[0], buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "from-child", 10);
	/* and the connection was served by it */
	ssize_t n = read(f->conn[1], buf, sizeof(buf));
	assert_int_equal(n, 10);
	assert_memory_equal(buf, "conn:line\n", 10);
	/* its log line came through the monitor, tagged and escaped */
	assert_non_null(strstr(log_text_of(f), "\n[net] child says hi\\012fatal: forged\n"));
	assert_non_null(strstr(f->text, "[net] net child: sandboxed"));
	/* nothing leaked in the monitor: IPC, log pipe, pidfd are closed (conn too) */
	assert_int_equal(os_test_count_fds(), fds_before - 2);
}

static void test_child_killed_midway(void **state)
{
	struct fx *f = *state;
	struct privsep_result res;

	long ms = run(f, "die", &res, 0);
	assert_int_equal(res.loop_rc, 0);
	assert_true(WIFSIGNALED(res.child_status));
	assert_int_equal(WTERMSIG(res.child_status), SIGKILL);
	assert_true(ms < 10000);
	/* the client sees the connection end */
	char c;
	assert_int_equal(read(f->conn[1], &c, 1), 0);
}

static void test_protocol_break_kills_child(void **state)
{
	struct fx *f = *state;
	struct privsep_result res;

	long ms = run(f, "garbage", &res, 0);
	assert_int_equal(res.loop_rc, -EPROTO);
	assert_true(res.child_killed);
	assert_true(WIFSIGNALED(res.child_status));
	assert_int_equal(WTERMSIG(res.child_status), SIGKILL);
	assert_true(ms < 10000);
	char c;
	assert_int_equal(read(f->conn[1], &c, 1), 0);
}

static void test_stuck_child_killed_after_grace(void **state)
{
	struct fx *f = *state;
	struct privsep_result res;

	long ms = run(f, "stuck", &res, 300);
	assert_int_equal(res.loop_rc, 0);
	assert_true(res.child_killed);
	assert_true(WIFSIGNALED(res.child_status));
	assert_true(ms >= 250 && ms < 10000);
	assert_non_null(strstr(log_text_of(f), "did not exit; killing"));
}

static void test_sandbox_violation_ends_connection(void **state)
{
	struct fx *f = *state;
	struct privsep_result res;

	long ms = run(f, "violate", &res, 0);
	assert_int_equal(res.loop_rc, 0);
	assert_true(WIFSIGNALED(res.child_status));
	assert_int_equal(WTERMSIG(res.child_status), SIGSYS);
	assert_false(res.child_killed);
	assert_true(ms < 10000);
	assert_non_null(strstr(log_text_of(f), "killed by signal 31"));
}

/* inetd mode: the connection is two pipes (stdin/stdout of sshd -i). */
static void test_inetd_pipes(void **state)
{
	struct fx *f = *state;
	struct privsep_result res;
	int in[2], out[2];
	char buf[64];

	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(write(in[1], "pipe\n", 5), 5);
	struct privsep_params p = {
		.conn_in = in[0], .conn_out = out[1], .sandbox = &f->plan, .log = &f->lg,
		.net_prepare = net_prepare, .net_main = net_main, .monitor_loop = monitor_loop,
		.arg = f,
	};
	f->child_mode = "echo";
	assert_int_equal(privsep_run(&p, &res), 0);
	assert_int_equal(res.loop_rc, 0);
	assert_true(WIFEXITED(res.child_status));
	assert_int_equal(WEXITSTATUS(res.child_status), 0);
	assert_int_equal(read(out[0], buf, sizeof(buf)), 10);
	assert_memory_equal(buf, "conn:pipe\n", 10);
	close(in[1]);
	close(out[0]);
}

/* The monitor dies (killed): its net child must not live on, even after the uid drop
 * (which clears the parent-death signal unless it is set again). */
static int report_child_loop(struct privsep_monitor *mon)
{
	struct fx *f = mon->arg;
	pid_t c = mon->child;
	char buf[16];
	/* the child says "ready" once confined; only then is its pid reported */
	if (privsep_monitor_wait(mon, NULL, 0, 20000) != 1 ||
	    fdpass_recv(mon->ipc_fd, buf, sizeof(buf), NULL, 0) != 5)
		return -EPROTO;
	if (write(f->out_pipe[1], &c, sizeof(c)) != sizeof(c))
		return -EIO;
	poll(NULL, 0, 30000);	/* until killed */
	return 0;
}

static void test_monitor_death_kills_child(void **state)
{
	struct fx *f = *state;
	pid_t child = 0;

	pid_t mon = fork();
	assert_true(mon >= 0);
	if (mon == 0) {
		struct privsep_result res;
		struct privsep_params p = {
			.conn_in = f->conn[0], .conn_out = f->conn[0], .sandbox = &f->plan,
			.log = &f->lg, .net_main = net_main, .monitor_loop = report_child_loop,
			.arg = f,
		};
		f->child_mode = "stuck";	/* never exits by itself */
		_exit(privsep_run(&p, &res) == 0 ? 0 : 1);
	}
	f->aux_pid = mon;	/* teardown stops it if an assertion fails below */
	assert_int_equal(read(f->out_pipe[0], &child, sizeof(child)), sizeof(child));
	assert_true(child > 0);
	char v[64];
	assert_int_equal(os_test_proc_status(child, "Seccomp", v, sizeof(v)), 0);
	assert_string_equal(v, "2");
	assert_int_equal(kill(mon, SIGKILL), 0);
	int st;
	assert_int_equal(os_test_wait(mon, 5000, &st), 0);
	f->aux_pid = 0;
	/* the orphan is gone (or a zombie for init to reap) within a bounded time */
	bool gone = false;
	for (int i = 0; i < 300 && !gone; i++) {
		char state_text[64];
		gone = os_test_proc_status(child, "State", state_text, sizeof(state_text)) < 0 ||
		       state_text[0] == 'Z';
		if (!gone)
			nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	if (!gone)
		kill(child, SIGKILL);	/* ours to clean up, by pid */
	assert_true(gone);
}

/* inetd mode with the real stdin/stdout: afterwards the monitor's 0 and 1 are /dev/null,
 * not free slots. */
static void test_inetd_stdio_released(void **state)
{
	struct fx *f = *state;
	int in[2], out[2];
	char buf[64];

	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(write(in[1], "std\n", 4), 4);
	pid_t mon = fork();
	assert_true(mon >= 0);
	if (mon == 0) {
		struct privsep_result res;
		struct privsep_params p = {
			.conn_in = 0, .conn_out = 1, .sandbox = &f->plan, .log = &f->lg,
			.net_prepare = net_prepare, .net_main = net_main,
			.monitor_loop = monitor_loop, .arg = f,
		};
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(10);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		f->child_mode = "echo";
		if (privsep_run(&p, &res) < 0 || res.loop_rc != 0 || !WIFEXITED(res.child_status) ||
		    WEXITSTATUS(res.child_status) != 0)
			_exit(11);
		struct stat a, b;
		if (fstat(0, &a) < 0 || fstat(1, &b) < 0 || stat("/dev/null", &b) < 0 ||
		    a.st_rdev != b.st_rdev || !S_ISCHR(a.st_mode))
			_exit(12);
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	int st;
	assert_int_equal(os_test_wait(mon, 10000, &st), 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(read(out[0], buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "conn:std\n", 9);
	/* the write ends are all closed: the monitor kept no copy of stdout */
	assert_int_equal(read(out[0], buf, sizeof(buf)), 0);
	close(in[1]);
	close(out[0]);
}

static void test_bad_params(void **state)
{
	struct fx *f = *state;
	struct privsep_result res;
	struct privsep_params p = { .conn_in = -1, .conn_out = -1 };
	assert_int_equal(privsep_run(&p, &res), -EINVAL);
	p.conn_in = p.conn_out = f->conn[0];
	p.net_main = net_main;
	assert_int_equal(privsep_run(&p, &res), -EINVAL);	/* no loop, plan, log */
	assert_int_equal(privsep_run(NULL, &res), -EINVAL);
	assert_true(fcntl(f->conn[0], F_GETFD) >= 0);	/* nothing taken on failure */
	close(f->conn[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_echo_fd_and_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_killed_midway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_protocol_break_kills_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stuck_child_killed_after_grace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sandbox_violation_ends_connection, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inetd_pipes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_monitor_death_kills_child, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inetd_stdio_released, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
