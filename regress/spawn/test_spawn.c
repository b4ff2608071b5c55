/* session_spawn: the user's process of a session without a pty — its streams, exit
 * status, environment, argv[0], working directory, signals, descriptors and (as root)
 * identity; failures leave no process and no descriptor behind.  Also the environment
 * builder's limits and the RFC 4254 signal-name table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <linux/capability.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sshd/session_spawn.h"

#define TEST_USER "msshd-spawn-test"
#define TEST_GROUP "msshd-spawn-tg"	/* a supplementary group of TEST_USER */
#define IO_TIMEOUT_MS 10000
#define OUT_CAP 16384

struct fx {
	char dir[64];			/* scratch directory: the home and test shells */
	char user[64];
	struct session_spawn_params p;
	/* results of run() */
	char out[OUT_CAP];
	size_t out_len;
	char err[OUT_CAP];
	size_t err_len;
	int status;
};

/* ---- helpers --------------------------------------------------------------------- */

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own descriptor */
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* waitpid bounded in time; on timeout the whole process group is killed, reaped, and
 * the test fails. */
static int wait_bounded(pid_t pid)
{
	long deadline = now_ms() + IO_TIMEOUT_MS;
	int status = 0;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		assert_true(r == 0 || (r < 0 && errno == EINTR));
		if (now_ms() > deadline) {
			(void)kill(-pid, SIGKILL);
			(void)waitpid(pid, &status, 0);
			fail_msg("child %d did not exit in time", (int)pid);
		}
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

/* Feeds `in` to the child's stdin (then EOF), collects stdout and stderr to EOF, and
 * reaps it.  Bounded in time. */
static void drive(struct fx *f, const struct session_child *c, const char *in)
{
	size_t in_len = in != NULL ? strlen(in) : 0, in_off = 0;
	int fd_in = c->fd_stdin;
	bool out_open = true, err_open = true;
	long deadline = now_ms() + IO_TIMEOUT_MS;

	f->out_len = f->err_len = 0;
	if (in_len == 0) {
		close(fd_in);
		fd_in = -1;
	}
	while (out_open || err_open) {
		struct pollfd pf[3] = {
			{ .fd = out_open ? c->fd_stdout : -1, .events = POLLIN },
			{ .fd = err_open ? c->fd_stderr : -1, .events = POLLIN },
			{ .fd = fd_in, .events = POLLOUT },
		};
		long left = deadline - now_ms();
		if (left <= 0) {
			(void)kill(-c->pid, SIGKILL);
			fail_msg("child output did not end in time");
		}
		int n = poll(pf, 3, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n >= 0);
		if (pf[2].revents != 0) {
			ssize_t w = write(fd_in, in + in_off, in_len - in_off);
			assert_true(w > 0);
			in_off += (size_t)w;
			if (in_off == in_len) {
				close(fd_in);
				fd_in = -1;
			}
		}
		for (int i = 0; i < 2; i++) {
			if (pf[i].revents == 0)
				continue;
			char *buf = i == 0 ? f->out : f->err;
			size_t *len = i == 0 ? &f->out_len : &f->err_len;
			assert_true(*len < OUT_CAP - 1);
			ssize_t r = read(pf[i].fd, buf + *len, OUT_CAP - 1 - *len);
			assert_true(r >= 0);
			if (r == 0) {
				if (i == 0)
					out_open = false;
				else
					err_open = false;
			}
			*len += (size_t)r;
			buf[*len] = '\0';
		}
	}
	if (fd_in >= 0)
		close(fd_in);
	close(c->fd_stdout);
	close(c->fd_stderr);
	f->status = wait_bounded(c->pid);
}

/* session_spawn with f->p, then drive; asserts that no descriptor stays open. */
static void run(struct fx *f, const char *command, const char *in)
{
	struct session_child c;
	int before = count_fds();

	f->p.command = command;
	assert_int_equal(session_spawn(&f->p, &c), 0);
	assert_true(c.pid > 0);
	for (int i = 0; i < 3; i++) {
		int fd = i == 0 ? c.fd_stdin : i == 1 ? c.fd_stdout : c.fd_stderr;
		assert_true(fd >= 0);
		assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	}
	assert_int_equal(count_fds(), before + 3);
	drive(f, &c, in);
	assert_int_equal(count_fds(), before);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

/* The RLIMIT_NOFILE under which exactly `room` descriptor numbers are free. */
static int limit_for_free(int room)
{
	int fd = 0;

	for (int free_seen = 0;; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			if (free_seen == room)
				break;
			free_seen++;
		}
	}
	return fd;
}

/* No child of this process is left (running or zombie). */
static void assert_no_children(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct passwd *pw = getpwuid(geteuid());

	if (f == NULL || pw == NULL)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/msshd-spawn.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->user, sizeof f->user, "%s", pw->pw_name);
	f->p = (struct session_spawn_params){
		.user = f->user, .uid = geteuid(), .gid = getegid(), .home = f->dir,
		.shell = "/bin/sh", .change_user = false,
		.peer_addr = "192.0.2.1", .peer_port = 50022,
		.local_addr = "198.51.100.2", .local_port = 22,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	/* Only the directory made in setup, by its exact name. */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	int r = system(cmd);
	free(f);
	return r == 0 ? 0 : -1;
}

/* ---- spawning as the current user ------------------------------------------------ */

static void test_stdout_stderr_status(void **state)
{
	struct fx *f = *state;

	run(f, "echo hi; echo err >&2; exit 3", NULL);
	assert_string_equal(f->out, "hi\n");
	assert_string_equal(f->err, "err\n");
	assert_true(WIFEXITED(f->status));
	assert_int_equal(WEXITSTATUS(f->status), 3);
	assert_no_children();
}

static void test_stdin_passed_through(void **state)
{
	struct fx *f = *state;
	static char big[8192 + 1];

	run(f, "cat", "hello\nworld\n");
	assert_string_equal(f->out, "hello\nworld\n");
	assert_string_equal(f->err, "");
	assert_true(WIFEXITED(f->status) && WEXITSTATUS(f->status) == 0);

	/* More than fits in one write, and EOF still arrives after it. */
	memset(big, 'x', sizeof big - 1);
	run(f, "wc -c", big);
	assert_int_equal(atoi(f->out), 8192);
}

/* /usr/bin/env as the "shell" of a login session prints exactly the environment the
 * process got: nothing of the test's own environment may leak into it. */
static void test_environment_exact(void **state)
{
	struct fx *f = *state;
	const char *extra[] = { "LANG=C.UTF-8", "USER=override", "X=a=b" };
	char want[4096];

	f->p.shell = "/usr/bin/env";
	f->p.original_command = "ls -l /tmp";
	f->p.extra_env = extra;
	f->p.n_extra_env = 3;
	run(f, NULL, NULL);
	snprintf(want, sizeof want,
		 "USER=override\nLOGNAME=%s\nHOME=%s\nPATH=%s\nMAIL=/var/mail/%s\n"
		 "SHELL=/usr/bin/env\nSSH_CLIENT=192.0.2.1 50022 22\n"
		 "SSH_CONNECTION=192.0.2.1 50022 198.51.100.2 22\n"
		 "SSH_ORIGINAL_COMMAND=ls -l /tmp\nLANG=C.UTF-8\nX=a=b\n",
		 f->user, f->dir,
		 geteuid() == 0 ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
				: "/usr/local/bin:/usr/bin:/bin:/usr/games",
		 f->user);
	assert_string_equal(f->out, want);
	assert_string_equal(f->err, "");
	assert_true(WIFEXITED(f->status) && WEXITSTATUS(f->status) == 0);

	/* Through the shell: the values arrive intact, and without a forced command
	 * there is no SSH_ORIGINAL_COMMAND. */
	f->p.shell = "/bin/sh";
	f->p.original_command = NULL;
	f->p.n_extra_env = 0;
	run(f, "printf '%s|%s|%s\\n' \"$USER\" \"$HOME\" \"${SSH_ORIGINAL_COMMAND-unset}\"",
	    NULL);
	snprintf(want, sizeof want, "%s|%s|unset\n", f->user, f->dir);
	assert_string_equal(f->out, want);
}

/* argv[0]: the shell's base name with -c, "-" and the base name for a login shell.  The
 * "shell" is a link to /bin/sh under another name, so $0 shows what argv[0] was. */
static void test_argv0(void **state)
{
	struct fx *f = *state;
	char shell[128];

	snprintf(shell, sizeof shell, "%s/tsh", f->dir);
	assert_int_equal(symlink("/bin/sh", shell), 0);
	f->p.shell = shell;

	run(f, "echo \"argv0=$0\"", NULL);
	assert_string_equal(f->out, "argv0=tsh\n");

	/* A login shell reads its commands from stdin.  /etc/profile may print; only our
	 * marker line is looked at. */
	run(f, NULL, "echo \"argv0=$0\"; exit 7\n");
	assert_non_null(strstr(f->out, "argv0=-tsh\n"));
	assert_true(WIFEXITED(f->status));
	assert_int_equal(WEXITSTATUS(f->status), 7);

	/* An empty shell field means /bin/sh. */
	f->p.shell = "";
	run(f, "echo \"argv0=$0 SHELL=$SHELL\"", NULL);
	assert_string_equal(f->out, "argv0=sh SHELL=/bin/sh\n");
}

/* As OpenSSH: perror(shell), exit status 1. */
static void test_missing_shell(void **state)
{
	struct fx *f = *state;
	char shell[128];

	f->p.shell = "/nonexistent/msshd-shell";
	run(f, "echo never", NULL);
	assert_string_equal(f->out, "");
	assert_string_equal(f->err, "/nonexistent/msshd-shell: No such file or directory\n");
	assert_true(WIFEXITED(f->status));
	assert_int_equal(WEXITSTATUS(f->status), 1);

	/* Present but not executable. */
	snprintf(shell, sizeof shell, "%s/noexec", f->dir);
	write_file(shell, "#!/bin/sh\necho never\n", 0644);
	f->p.shell = shell;
	run(f, NULL, NULL);	/* even root needs an x bit to execute */
	char want[256];
	snprintf(want, sizeof want, "%s: Permission denied\n", shell);
	assert_string_equal(f->err, want);
	assert_int_equal(WEXITSTATUS(f->status), 1);
	assert_no_children();
}

static void test_home_directory(void **state)
{
	struct fx *f = *state;
	char want[128];

	run(f, "pwd", NULL);
	snprintf(want, sizeof want, "%s\n", f->dir);
	assert_string_equal(f->out, want);
	assert_string_equal(f->err, "");

	f->p.home = "/nonexistent/msshd-home";
	run(f, "pwd; echo \"$HOME\"", NULL);
	assert_string_equal(f->out, "/\n/nonexistent/msshd-home\n");
	assert_string_equal(f->err, "Could not chdir to home directory "
				    "/nonexistent/msshd-home: No such file or directory\n");
	assert_int_equal(WEXITSTATUS(f->status), 0);
}

/* Its own session and process group, so that the monitor can signal the whole job. */
static void test_signal_process_group(void **state)
{
	struct fx *f = *state;
	struct session_child c;

	f->p.command = "sleep 30; echo not-killed";
	assert_int_equal(session_spawn(&f->p, &c), 0);
	assert_int_equal(getsid(c.pid), c.pid);
	assert_int_equal(getpgid(c.pid), c.pid);
	assert_int_equal(kill(-c.pid, SIGTERM), 0);
	drive(f, &c, NULL);
	assert_true(WIFSIGNALED(f->status));
	assert_int_equal(WTERMSIG(f->status), SIGTERM);
	assert_string_equal(f->out, "");
	assert_no_children();
}

/* Ignored and blocked signals of the monitor do not reach the user's process. */
static void test_signals_reset(void **state)
{
	struct fx *f = *state;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_pipe, old_hup;
	sigset_t block, old_mask;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGTERM);
	assert_int_equal(sigaction(SIGPIPE, &ign, &old_pipe), 0);
	assert_int_equal(sigaction(SIGHUP, &ign, &old_hup), 0);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &old_mask), 0);

	run(f, "grep -E '^Sig(Blk|Ign):' /proc/self/status", NULL);

	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGPIPE, &old_pipe, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	assert_string_equal(f->out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
}

/* Only 0, 1 and 2 reach the process, even a descriptor the monitor left inheritable,
 * and 0/1/2 are the session's streams even when the monitor's own are closed. */
static void test_descriptors(void **state)
{
	struct fx *f = *state;
	int leaky = open("/dev/null", O_RDONLY);	/* not close-on-exec */

	assert_true(leaky >= 0);
	run(f, "exec ls /proc/self/fd", NULL);
	/* ls's own directory descriptor is 3 */
	assert_string_equal(f->out, "0\n1\n2\n3\n");
	close(leaky);

	/* Monitor without stdio: the socketpair ends may be 0, 1, 2 themselves. */
	int saved[3];
	for (int i = 0; i < 3; i++)
		assert_true((saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 10)) >= 0);
	close(0);
	close(1);
	close(2);
	struct session_child c;
	f->p.command = "read line; echo \"out:$line\"; echo \"err:$line\" >&2";
	int r = session_spawn(&f->p, &c);
	for (int i = 0; i < 3; i++) {
		int fd = -1;
		if (r == 0)	/* the returned ends must not sit on 0..2 when those are restored */
			fd = i == 0 ? c.fd_stdin : i == 1 ? c.fd_stdout : c.fd_stderr;
		if (fd >= 0 && fd <= 2) {
			int moved = fcntl(fd, F_DUPFD_CLOEXEC, 20);
			assert_true(moved >= 0);
			close(fd);
			if (i == 0) c.fd_stdin = moved;
			else if (i == 1) c.fd_stdout = moved;
			else c.fd_stderr = moved;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) >= 0)
			close(i);
		assert_int_equal(dup2(saved[i], i), i);
		close(saved[i]);
	}
	assert_int_equal(r, 0);
	drive(f, &c, "x\n");
	assert_string_equal(f->out, "out:x\n");
	assert_string_equal(f->err, "err:x\n");
}

/* Refusals before fork, and running out of descriptors, cost nothing. */
static void test_failures_leave_nothing(void **state)
{
	struct fx *f = *state;
	struct session_child c;
	int before = count_fds();

	f->p.command = "true";
	struct session_spawn_params bad = f->p;
	bad.user = NULL;
	assert_int_equal(session_spawn(&bad, &c), -EINVAL);
	bad = f->p;
	bad.home = NULL;
	assert_int_equal(session_spawn(&bad, &c), -EINVAL);
	assert_int_equal(session_spawn(NULL, &c), -EINVAL);
	assert_int_equal(session_spawn(&f->p, NULL), -EINVAL);
	bad = f->p;
	bad.uid = geteuid() + 1;	/* someone else, without changing user */
	assert_int_equal(session_spawn(&bad, &c), -EINVAL);
	const char *bad_env[] = { "NOEQUALS" };
	bad = f->p;
	bad.extra_env = bad_env;
	bad.n_extra_env = 1;
	assert_int_equal(session_spawn(&bad, &c), -EINVAL);
	if (geteuid() != 0) {
		bad = f->p;
		bad.change_user = true;
		assert_int_equal(session_spawn(&bad, &c), -EPERM);
	}
	assert_int_equal(count_fds(), before);

	/* Too few free descriptors: the parent needs 8 (three socketpairs and the report
	 * pipe) and the child, which inherits the limit, a few more to move its ends above
	 * 2; a failure on either side is -EMFILE with nothing left, and from some room on
	 * the spawn succeeds. */
	struct rlimit old;
	int first_ok = -1;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	for (int room = 0; room <= 16; room++) {
		struct rlimit low = { .rlim_cur = (rlim_t)limit_for_free(room),
				      .rlim_max = old.rlim_max };
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
		int r = session_spawn(&f->p, &c);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
		if (r == 0) {
			if (first_ok < 0)
				first_ok = room;
			drive(f, &c, NULL);
			assert_true(WIFEXITED(f->status) && WEXITSTATUS(f->status) == 0);
		} else {
			assert_int_equal(r, -EMFILE);
			assert_true(first_ok < 0);	/* more room never fails again */
		}
		assert_int_equal(count_fds(), before);
		assert_no_children();
	}
	assert_true(first_ok > 8);	/* some failures were the child's, after fork */
	assert_int_equal(count_fds(), before);
	assert_no_children();
}

/* ---- as root: becoming the user -------------------------------------------------- */

static int ensure_test_user(void)
{
	if (getgrnam(TEST_GROUP) == NULL &&
	    system("groupadd --system " TEST_GROUP " >/dev/null 2>&1") != 0)
		return -1;
	if (getpwnam(TEST_USER) == NULL &&
	    system("useradd --system --no-create-home --shell /bin/sh --groups " TEST_GROUP
		   " " TEST_USER " >/dev/null 2>&1") != 0)
		return -1;
	if (getpwnam(TEST_USER) == NULL)
		return -1;
	/* A user left by an older run without the group gets it. */
	struct group *g = getgrnam(TEST_GROUP);
	bool member = false;
	for (size_t i = 0; g != NULL && g->gr_mem[i] != NULL; i++)
		member |= strcmp(g->gr_mem[i], TEST_USER) == 0;
	if (!member && system("usermod -a -G " TEST_GROUP " " TEST_USER " >/dev/null 2>&1") != 0)
		return -1;
	return 0;
}

static int cmp_gid(const void *a, const void *b)
{
	gid_t x = *(const gid_t *)a, y = *(const gid_t *)b;
	return x < y ? -1 : x > y;
}

static void test_change_user(void **state)
{
	struct fx *f = *state;

	if (geteuid() != 0)
		skip();
	assert_int_equal(ensure_test_user(), 0);
	struct passwd *pw = getpwnam(TEST_USER);
	assert_non_null(pw);
	uid_t uid = pw->pw_uid;
	gid_t gid = pw->pw_gid;
	char name[64], home[256];
	snprintf(name, sizeof name, "%s", pw->pw_name);
	snprintf(home, sizeof home, "%s", pw->pw_dir);

	/* The groups initgroups must give: the primary one and the /etc/group ones. */
	gid_t want[64];
	int n_want = 64;
	assert_true(getgrouplist(name, gid, want, &n_want) >= 0);
	qsort(want, (size_t)n_want, sizeof want[0], cmp_gid);
	struct group *tg = getgrnam(TEST_GROUP);
	bool has_tg = false;
	for (int i = 0; tg != NULL && i < n_want; i++)
		has_tg |= want[i] == tg->gr_gid;

	f->p.user = name;
	f->p.uid = uid;
	f->p.gid = gid;
	f->p.home = home;
	f->p.change_user = true;
	run(f, "id -u; id -g; id -G | tr ' ' '\\n' | sort -n | tr '\\n' ' '; echo; "
	       "grep -E '^(Uid|Gid):' /proc/self/status; echo \"$USER $LOGNAME\"", NULL);
	assert_true(WIFEXITED(f->status) && WEXITSTATUS(f->status) == 0);

	char expect[1024];
	size_t off = (size_t)snprintf(expect, sizeof expect, "%u\n%u\n", (unsigned)uid,
				      (unsigned)gid);
	for (int i = 0; i < n_want; i++)
		off += (size_t)snprintf(expect + off, sizeof expect - off, "%u ",
					(unsigned)want[i]);
	snprintf(expect + off, sizeof expect - off,
		 "\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n%s %s\n",
		 (unsigned)uid, (unsigned)uid, (unsigned)uid, (unsigned)uid,
		 (unsigned)gid, (unsigned)gid, (unsigned)gid, (unsigned)gid, name, name);
	assert_string_equal(f->out, expect);
	/* The supplementary group from /etc/group is there: initgroups ran. */
	assert_true(has_tg);
	for (int i = 0; i < n_want; i++)
		assert_int_not_equal(want[i], 0);	/* root's group 0 is gone */

	/* The system user's home does not exist: the message, and "/". */
	struct stat st;
	if (stat(home, &st) != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "Could not chdir to home directory %s: %s\n", home,
			 strerror(ENOENT));
		assert_string_equal(f->err, msg);
	}
	assert_no_children();
}

/* In a forked copy of the test, without one capability: the child cannot become the
 * user, and session_spawn returns that errno with no process and no descriptor left
 * (the report pipe's path, after fork).  Exit codes say which check failed. */
static int spawn_without_cap(const struct session_spawn_params *p, int cap)
{
	pid_t t = fork();

	if (t < 0)
		return -1;
	if (t == 0) {
		struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct d[2];
		if (syscall(SYS_capget, &h, d) < 0)
			_exit(10);
		d[cap / 32].effective &= ~(1u << (cap % 32));
		d[cap / 32].permitted &= ~(1u << (cap % 32));
		if (syscall(SYS_capset, &h, d) < 0)
			_exit(11);
		int before = count_fds();
		struct session_child c;
		int r = session_spawn(p, &c);
		if (r == 0) {
			(void)kill(c.pid, SIGKILL);
			(void)waitpid(c.pid, NULL, 0);
			_exit(12);
		}
		if (r != -EPERM)
			_exit(13);
		if (count_fds() != before)
			_exit(14);
		if (waitpid(-1, NULL, WNOHANG) != -1 || errno != ECHILD)
			_exit(15);
		_exit(0);
	}
	int status = wait_bounded(t);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void test_change_user_refused(void **state)
{
	struct fx *f = *state;

	if (geteuid() != 0)
		skip();
	assert_int_equal(ensure_test_user(), 0);
	struct passwd *pw = getpwnam(TEST_USER);
	assert_non_null(pw);
	f->p.user = TEST_USER;
	f->p.uid = pw->pw_uid;
	f->p.gid = pw->pw_gid;
	f->p.home = "/";
	f->p.change_user = true;
	f->p.command = "echo should-not-run";
	assert_int_equal(spawn_without_cap(&f->p, CAP_SETGID), 0);	/* initgroups */
	assert_int_equal(spawn_without_cap(&f->p, CAP_SETUID), 0);	/* setresuid */
	assert_no_children();
}

/* ---- the environment builder ----------------------------------------------------- */

static void test_build_env_values(void **state)
{
	struct fx *f = *state;
	char store[2048];
	char *env[16];
	const char *extra[] = { "A=1", "HOME=/elsewhere", "A=2", "EMPTY=" };

	f->p.user = "alice";
	f->p.home = "/home/alice";
	f->p.shell = "/bin/bash";
	f->p.uid = 1000;
	f->p.extra_env = extra;
	f->p.n_extra_env = 4;
	int n = session_build_env(&f->p, store, sizeof store, env, 16);
	const char *want[] = {
		"USER=alice", "LOGNAME=alice", "HOME=/elsewhere",
		"PATH=/usr/local/bin:/usr/bin:/bin:/usr/games", "MAIL=/var/mail/alice",
		"SHELL=/bin/bash", "SSH_CLIENT=192.0.2.1 50022 22",
		"SSH_CONNECTION=192.0.2.1 50022 198.51.100.2 22", "A=2", "EMPTY=",
	};
	assert_int_equal(n, 10);
	for (int i = 0; i < n; i++)
		assert_string_equal(env[i], want[i]);
	assert_null(env[n]);

	/* root gets the superuser PATH */
	f->p.uid = 0;
	f->p.n_extra_env = 0;
	n = session_build_env(&f->p, store, sizeof store, env, 16);
	assert_int_equal(n, 8);
	assert_string_equal(env[3],
			    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

	/* Exactly enough slots: n entries and the NULL; one fewer is -ENOSPC. */
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 9), 8);
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 8), -ENOSPC);
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 1), -ENOSPC);

	/* Exactly enough store: the sum of the strings and their NULs. */
	size_t need = 0;
	n = session_build_env(&f->p, store, sizeof store, env, 16);
	for (int i = 0; i < n; i++)
		need += strlen(env[i]) + 1;
	char *tight = malloc(need);
	assert_non_null(tight);
	assert_int_equal(session_build_env(&f->p, tight, need, env, 16), 8);
	assert_int_equal(session_build_env(&f->p, tight, need - 1, env, 16), -ENOSPC);
	free(tight);
	assert_int_equal(session_build_env(&f->p, store, 10, env, 16), -ENOSPC);

	/* Too many variables for SESSION_ENV_MAX. */
	static const char *many[SESSION_ENV_MAX + 1];
	static char names[SESSION_ENV_MAX + 1][16];
	for (int i = 0; i <= SESSION_ENV_MAX; i++) {
		snprintf(names[i], sizeof names[i], "V%d=x", i);
		many[i] = names[i];
	}
	static char big_store[65536];
	static char *big_env[SESSION_ENV_MAX + 1];
	f->p.extra_env = many;
	f->p.n_extra_env = SESSION_ENV_MAX + 1;
	assert_int_equal(session_build_env(&f->p, big_store, sizeof big_store, big_env,
					   SESSION_ENV_MAX + 1), -ENOSPC);
	f->p.n_extra_env = SESSION_ENV_MAX - 8;
	assert_int_equal(session_build_env(&f->p, big_store, sizeof big_store, big_env,
					   SESSION_ENV_MAX + 1), SESSION_ENV_MAX);

	/* Bad entries. */
	const char *bad1[] = { "A=1", "NOEQUALS" };
	const char *bad2[] = { "=value" };
	const char *bad3[] = { NULL };
	f->p.extra_env = bad1;
	f->p.n_extra_env = 2;
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 16), -EINVAL);
	f->p.extra_env = bad2;
	f->p.n_extra_env = 1;
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 16), -EINVAL);
	f->p.extra_env = bad3;
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 16), -EINVAL);
	f->p.extra_env = NULL;
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 16), -EINVAL);
	f->p.n_extra_env = 0;

	/* Bad parameters. */
	f->p.peer_port = 65536;
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 16), -EINVAL);
	f->p.peer_port = 50022;
	f->p.local_port = -1;
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 16), -EINVAL);
	f->p.local_port = 22;
	f->p.user = "";
	assert_int_equal(session_build_env(&f->p, store, sizeof store, env, 16), -EINVAL);
	f->p.user = "alice";
	assert_int_equal(session_build_env(NULL, store, sizeof store, env, 16), -EINVAL);
	assert_int_equal(session_build_env(&f->p, store, 0, env, 16), -EINVAL);

	/* SSH_ORIGINAL_COMMAND only under a forced command. */
	f->p.original_command = "uname -a";
	n = session_build_env(&f->p, store, sizeof store, env, 16);
	assert_int_equal(n, 9);
	assert_string_equal(env[8], "SSH_ORIGINAL_COMMAND=uname -a");
}

/* ---- signal names ---------------------------------------------------------------- */

static void test_signal_names(void **state)
{
	static const struct { int sig; const char *name; } rfc[] = {
		{ SIGABRT, "ABRT" }, { SIGALRM, "ALRM" }, { SIGFPE, "FPE" },
		{ SIGHUP, "HUP" }, { SIGILL, "ILL" }, { SIGINT, "INT" },
		{ SIGKILL, "KILL" }, { SIGPIPE, "PIPE" }, { SIGQUIT, "QUIT" },
		{ SIGSEGV, "SEGV" }, { SIGTERM, "TERM" }, { SIGUSR1, "USR1" },
		{ SIGUSR2, "USR2" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++) {
		assert_string_equal(session_signal_name(rfc[i].sig), rfc[i].name);
		assert_int_equal(session_signal_number(rfc[i].name, strlen(rfc[i].name)),
				 rfc[i].sig);
		assert_true(strlen(rfc[i].name) < SESSION_SIGNAL_NAME_MAX);
	}
	/* Signals without an RFC name. */
	assert_string_equal(session_signal_name(0), "");
	assert_string_equal(session_signal_name(SIGCHLD), "");
	assert_string_equal(session_signal_name(SIGWINCH), "");
	assert_string_equal(session_signal_name(-1), "");
	assert_string_equal(session_signal_name(1000), "");
	/* Unknown or malformed names. */
	assert_int_equal(session_signal_number("SIGTERM", 7), 0);
	assert_int_equal(session_signal_number("term", 4), 0);
	assert_int_equal(session_signal_number("TER", 3), 0);
	assert_int_equal(session_signal_number("TERMX", 5), 0);
	assert_int_equal(session_signal_number("TERM\0", 5), 0);
	assert_int_equal(session_signal_number("TERMINATE", 4), SIGTERM);	/* counted */
	assert_int_equal(session_signal_number("", 0), 0);
	assert_int_equal(session_signal_number(NULL, 4), 0);
	assert_int_equal(session_signal_number("CHLD", 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stdout_stderr_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stdin_passed_through, setup, teardown),
		cmocka_unit_test_setup_teardown(test_environment_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_argv0, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_shell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_home_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signal_process_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signals_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_leave_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_user, setup, teardown),
		cmocka_unit_test_setup_teardown(test_change_user_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_build_env_values, setup, teardown),
		cmocka_unit_test(test_signal_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
