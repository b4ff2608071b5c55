/* The net-child sandbox: what a confined process may still do, what kills it, and what an
 * outside observer sees (/proc status, root, uid). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>

#include "regress/os/os_test_util.h"
#include "sshd/fdpass.h"
#include "sshd/sandbox.h"

struct fixture {
	char dir[64];
	bool have_dir;
	struct sandbox_plan plan;
	int sp[2];		/* socketpair: parent <-> confined child */
	int tcp[2];		/* a loopback TCP connection: [0] child side, [1] peer */
	pid_t parent;		/* the test process (getppid is not allowed confined) */
};

static int tcp_pair(int out[2])
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) < 0)
		return -1;
	out[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (out[1] < 0 || connect(out[1], (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	out[0] = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	close(l);
	return out[0] < 0 ? -1 : 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct sandbox_opts o = { .nofile = 64 };

	if (f == NULL)
		return -1;
	f->parent = getpid();
	if (geteuid() == 0) {
		if (os_test_ensure_user() < 0 || os_test_make_chroot(f->dir, sizeof(f->dir)) < 0)
			return -1;
		f->have_dir = true;
		o.chroot_dir = f->dir;
		o.user = OS_TEST_USER;
	}
	if (sandbox_prepare(&o, &f->plan, NULL) < 0)
		return -1;
	if (fdpass_socketpair(f->sp) < 0 || tcp_pair(f->tcp) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	close(f->sp[0]);
	close(f->sp[1]);
	close(f->tcp[0]);
	close(f->tcp[1]);
	if (f->have_dir)
		rmdir(f->dir);
	free(f);
	return 0;
}

typedef int (*action_fn)(struct fixture *f);

/* Forks a child that confines itself and runs `act`; returns its wait status. */
static int run_confined(struct fixture *f, action_fn act)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka's handlers would turn a fault into more system calls (and a SIGSYS
		 * that the sandbox did not cause for the call under test) */
		static const int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
		for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
			signal(faults[i], SIG_DFL);
		if (sandbox_enter(&f->plan, NULL) < 0)
			_exit(100);
		_exit(act(f));
	}
	int st = 0;
	assert_int_equal(os_test_wait(pid, 10000, &st), 0);
	return st;
}

static void assert_exit_ok(int st)
{
	if (!WIFEXITED(st))
		fail_msg("child died by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void assert_sigsys(int st)
{
	if (WIFEXITED(st))
		fail_msg("child exited with %d instead of dying of SIGSYS", WEXITSTATUS(st));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

/* ---- what a confined child may do ---- */

static int do_allowed_work(struct fixture *f)
{
	char buf[64];
	/* I/O on the IPC socket, both ways */
	if (fdpass_send(f->sp[1], "ping", 4, -1, 1000) != 0)
		return 1;
	int fd = -1;
	int n = fdpass_recv(f->sp[1], buf, sizeof(buf), &fd, 5000);
	if (n != 4 || memcmp(buf, "pong", 4) != 0 || fd < 0)
		return 2;
	/* the received descriptor works */
	if (write(fd, "via-fd", 6) != 6)
		return 3;
	close(fd);
	/* randomness */
	uint8_t rnd[32];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return 4;
	/* large and small allocations: mmap, mremap, munmap, brk */
	size_t big = 64u << 20;
	char *p = malloc(big);
	if (p == NULL)
		return 5;
	memset(p, 0x5a, big);
	char *q = realloc(p, 2 * big);
	if (q == NULL)
		return 6;
	free(q);
	for (int i = 0; i < 1000; i++)
		free(malloc((size_t)(i * 37) % 4000 + 1));
	/* the two TCP options the transport re-arms */
	int one = 1;
	if (setsockopt(f->tcp[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0 ||
	    setsockopt(f->tcp[0], IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one)) < 0)
		return 7;
	if (write(f->tcp[0], "t", 1) != 1 || send(f->tcp[0], "cp", 2, MSG_NOSIGNAL) != 2)
		return 8;
	/* flags of a held descriptor */
	int fl = fcntl(f->tcp[0], F_GETFL);
	if (fl < 0 || fcntl(f->tcp[0], F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(f->tcp[0], F_SETFD, FD_CLOEXEC) < 0 || recv(f->tcp[0], buf, 1, 0) != -1 ||
	    errno != EAGAIN)
		return 10;
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0 || getpid() <= 0)
		return 9;
	return 0;
}

static void test_allowed_work_with_fd(void **state)
{
	struct fixture *f = *state;
	int pfd[2];
	char buf[16];

	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		close(pfd[1]);
		if (sandbox_enter(&f->plan, NULL) < 0)
			_exit(100);
		_exit(do_allowed_work(f));
	}
	assert_int_equal(fdpass_recv(f->sp[0], buf, sizeof(buf), NULL, 10000), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(fdpass_send(f->sp[0], "pong", 4, pfd[1], 1000), 0);
	close(pfd[1]);
	int st;
	assert_int_equal(os_test_wait(pid, 20000, &st), 0);
	assert_exit_ok(st);
	assert_int_equal(read(pfd[0], buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "via-fd", 6);
	close(pfd[0]);
	assert_int_equal(read(f->tcp[1], buf, 3), 3);
	assert_memory_equal(buf, "tcp", 3);
}

/* The crypto a net child does, confined: the libraries must get by with the allow-list
 * once sandbox_enter has initialised them. */
static int do_crypto(struct fixture *f)
{
	unsigned char sk[32], pk[32], shared[32], msg[64] = "m", sig[64], spk[32], ssk[64];
	(void)f;
	randombytes_buf(sk, sizeof(sk));
	if (crypto_scalarmult_base(pk, sk) != 0 || crypto_scalarmult(shared, sk, pk) != 0)
		return 1;
	if (crypto_sign_keypair(spk, ssk) != 0 ||
	    crypto_sign_detached(sig, NULL, msg, sizeof(msg), ssk) != 0 ||
	    crypto_sign_verify_detached(sig, msg, sizeof(msg), spk) != 0)
		return 2;
	if (RAND_bytes(sk, sizeof(sk)) != 1)
		return 3;
	/* AES-256-GCM and SHA-256 through EVP (provider fetches, locks, allocations) */
	unsigned char key[32] = { 1 }, iv[12] = { 2 }, out[96], tag[16], md[32];
	int len = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	if (c == NULL || EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv) != 1 ||
	    EVP_EncryptUpdate(c, out, &len, msg, sizeof(msg)) != 1 ||
	    EVP_EncryptFinal_ex(c, out + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
		return 4;
	EVP_CIPHER_CTX_free(c);
	unsigned int mdlen = 0;
	if (EVP_Digest(msg, sizeof(msg), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return 5;
	/* an ECDH P-256 key pair: bignum and EC code */
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (k == NULL)
		return 6;
	EVP_PKEY_free(k);
	return 0;
}

static void test_crypto_confined(void **state)
{
	struct fixture *f = *state;
	/* this process never initialised either library: sandbox_enter must */
	assert_exit_ok(run_confined(f, do_crypto));
}

/* ---- what kills it ---- */

static int do_open(struct fixture *f)
{
	(void)f;
	return open("/etc/passwd", O_RDONLY) >= 0 ? 0 : 50;
}

static int do_raw_open(struct fixture *f)
{
	(void)f;
#ifdef SYS_open
	return syscall(SYS_open, "/etc/passwd", O_RDONLY) >= 0 ? 0 : 50;
#else
	return syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY) >= 0 ? 0 : 50;
#endif
}

static int do_socket(struct fixture *f)
{
	(void)f;
	return socket(AF_INET, SOCK_STREAM, 0) >= 0 ? 0 : 50;
}

static int do_execve(struct fixture *f)
{
	(void)f;
	char *argv[] = { "/bin/true", NULL };
	execve("/bin/true", argv, argv + 1);
	return 50;
}

static int do_fork(struct fixture *f)
{
	(void)f;
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	return 50;
}

static int do_clone_raw(struct fixture *f)
{
	(void)f;
	long r = syscall(SYS_clone, (unsigned long)SIGCHLD, 0L, 0L, 0L, 0L);
	if (r == 0)
		_exit(0);
	return 50;
}

static int do_so_debug(struct fixture *f)
{
	int one = 1;
	return setsockopt(f->tcp[0], SOL_SOCKET, SO_DEBUG, &one, sizeof(one)) == 0 ? 0 : 50;
}

static int do_so_keepalive(struct fixture *f)
{
	int one = 1;
	return setsockopt(f->tcp[0], SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) == 0 ? 0 : 50;
}

static int do_tcp_other_option(struct fixture *f)
{
	int v = 1;
	return setsockopt(f->tcp[0], IPPROTO_TCP, TCP_CORK, &v, sizeof(v)) == 0 ? 0 : 50;
}

static int do_mprotect_exec(struct fixture *f)
{
	(void)f;
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 51;
	return mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0 ? 0 : 50;
}

static int do_mmap_exec(struct fixture *f)
{
	(void)f;
	void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p != MAP_FAILED ? 0 : 50;
}

static int do_kill(struct fixture *f)
{
	return kill(f->parent, 0) == 0 ? 0 : 50;
}

static int do_pipe(struct fixture *f)
{
	int p[2];
	(void)f;
	return pipe(p) == 0 ? 0 : 50;
}

static int do_dup(struct fixture *f)
{
	return dup(f->sp[1]) >= 0 ? 0 : 50;
}

static int do_fcntl_dupfd(struct fixture *f)
{
	return fcntl(f->sp[1], F_DUPFD_CLOEXEC, 0) >= 0 ? 0 : 50;
}

static int do_sendto_address(struct fixture *f)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sendto(f->tcp[0], "x", 1, 0, (struct sockaddr *)&a, sizeof(a)) >= 0 ? 0 : 50;
}

#if defined(__x86_64__)
/* getpid through the i386 entry (int 0x80, i386 number 20): another architecture to
 * the filter, so it must kill even though getpid itself is allowed. */
static int do_i386_getpid(struct fixture *f)
{
	long ret;
	(void)f;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory", "rcx", "r8", "r9", "r10", "r11");
	return ret > 0 ? 0 : 50;
}

/* getpid with the x32 bit set (x32 ABI): must kill too. */
static int do_x32_getpid(struct fixture *f)
{
	(void)f;
	return syscall(0x40000000L | SYS_getpid) > 0 ? 0 : 50;
}
#endif

#define KILLED_BY_SECCOMP(name, fn) \
	static void name(void **state) { assert_sigsys(run_confined(*state, fn)); }

KILLED_BY_SECCOMP(test_open_kills, do_open)
KILLED_BY_SECCOMP(test_raw_open_kills, do_raw_open)
KILLED_BY_SECCOMP(test_socket_kills, do_socket)
KILLED_BY_SECCOMP(test_execve_kills, do_execve)
KILLED_BY_SECCOMP(test_fork_kills, do_fork)
KILLED_BY_SECCOMP(test_clone_kills, do_clone_raw)
KILLED_BY_SECCOMP(test_so_debug_kills, do_so_debug)
KILLED_BY_SECCOMP(test_tcp_cork_kills, do_tcp_other_option)
KILLED_BY_SECCOMP(test_so_keepalive_kills, do_so_keepalive)
KILLED_BY_SECCOMP(test_mprotect_exec_kills, do_mprotect_exec)
KILLED_BY_SECCOMP(test_mmap_exec_kills, do_mmap_exec)
KILLED_BY_SECCOMP(test_kill_kills, do_kill)
KILLED_BY_SECCOMP(test_pipe_kills, do_pipe)
KILLED_BY_SECCOMP(test_dup_kills, do_dup)
KILLED_BY_SECCOMP(test_fcntl_dupfd_kills, do_fcntl_dupfd)
KILLED_BY_SECCOMP(test_sendto_address_kills, do_sendto_address)

#if defined(__x86_64__)
KILLED_BY_SECCOMP(test_x32_abi_kills, do_x32_getpid)

/* The i386 entry is tested only where it works unconfined (some kernels and hypervisors
 * fault on int 0x80), so that the death is the filter's architecture check. */
static void test_i386_abi_kills(void **state)
{
	struct fixture *f = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);	/* not cmocka's handler: die, as the kernel says */
		_exit(do_i386_getpid(f));
	}
	int st;
	assert_int_equal(os_test_wait(pid, 10000, &st), 0);
	if (WIFSIGNALED(st))
		skip();	/* no working i386 entry here: nothing to check */
	assert_exit_ok(st);
	assert_sigsys(run_confined(f, do_i386_getpid));
}
#endif

/* A control: the same harness, unconfined, lets these calls through — so the deaths
 * above are the sandbox's doing. */
static void test_unconfined_control(void **state)
{
	struct fixture *f = *state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(do_open(f) | do_socket(f) | do_mprotect_exec(f) | do_so_keepalive(f) |
		      do_tcp_other_option(f) | do_fcntl_dupfd(f) |
		      (geteuid() == 0 ? do_so_debug(f) : 0));	/* SO_DEBUG needs CAP_NET_ADMIN */
	int st;
	assert_int_equal(os_test_wait(pid, 10000, &st), 0);
	assert_exit_ok(st);
}

/* ---- seen from outside ---- */

/* A confined child that signals readiness and waits to be told to exit. */
static pid_t start_parked(struct fixture *f, int *ready_rd, int *go_wr)
{
	int ready[2], go[2];
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(ready[0]);
		close(go[1]);
		if (sandbox_enter(&f->plan, NULL) < 0)
			_exit(100);
		char c = 'r';
		if (write(ready[1], &c, 1) != 1)
			_exit(101);
		if (read(go[0], &c, 1) < 0)
			_exit(102);
		_exit(0);
	}
	close(ready[1]);
	close(go[0]);
	*ready_rd = ready[0];
	*go_wr = go[1];
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	return pid;
}

static void test_observed_from_outside(void **state)
{
	struct fixture *f = *state;
	int ready, go;
	char v[256], path[64], root[PATH_MAX];

	pid_t pid = start_parked(f, &ready, &go);
	assert_int_equal(os_test_proc_status(pid, "Seccomp", v, sizeof(v)), 0);
	assert_string_equal(v, "2");
	assert_int_equal(os_test_proc_status(pid, "NoNewPrivs", v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam(OS_TEST_USER);
		assert_non_null(pw);
		char want[128];
		snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", pw->pw_uid, pw->pw_uid, pw->pw_uid,
			 pw->pw_uid);
		assert_int_equal(os_test_proc_status(pid, "Uid", v, sizeof(v)), 0);
		assert_string_equal(v, want);
		snprintf(want, sizeof(want), "%u\t%u\t%u\t%u", pw->pw_gid, pw->pw_gid, pw->pw_gid,
			 pw->pw_gid);
		assert_int_equal(os_test_proc_status(pid, "Gid", v, sizeof(v)), 0);
		assert_string_equal(v, want);
		assert_int_equal(os_test_proc_status(pid, "Groups", v, sizeof(v)), 0);
		assert_string_equal(v, "");
		snprintf(path, sizeof(path), "/proc/%ld/root", (long)pid);
		ssize_t n = readlink(path, root, sizeof(root) - 1);
		assert_true(n > 0);
		root[n] = '\0';
		assert_string_equal(root, f->plan.chroot_dir);
	}
	char c = 'g';
	assert_int_equal(write(go, &c, 1), 1);
	int st;
	assert_int_equal(os_test_wait(pid, 10000, &st), 0);
	assert_exit_ok(st);
	close(ready);
	close(go);
}

/* Without root the chroot and uid change are skipped, the rest applies. */
static void test_unprivileged_still_confined(void **state)
{
	struct fixture *f = *state;
	if (geteuid() != 0)
		skip();	/* the fixture already ran unprivileged: covered above */
	int ready[2];
	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sandbox_plan plan;
		struct sandbox_opts o = { 0 };
		close(ready[0]);
		if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(100);
		if (sandbox_prepare(&o, &plan, NULL) < 0 || plan.privileged)
			_exit(101);
		if (sandbox_enter(&plan, NULL) < 0)
			_exit(102);
		char c = 'r';
		if (write(ready[1], &c, 1) != 1)
			_exit(103);
		(void)do_open(f);	/* dies here */
		_exit(0);
	}
	close(ready[1]);
	int st;
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	assert_int_equal(os_test_wait(pid, 10000, &st), 0);
	assert_sigsys(st);
	close(ready[0]);
}

/* ---- sandbox_prepare's checks (root) ---- */

static void test_prepare_checks(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	char dir[64], sub[96], file[128];
	struct sandbox_plan plan;
	struct sandbox_opts o = { .user = OS_TEST_USER };

	assert_int_equal(os_test_make_chroot(dir, sizeof(dir)), 0);
	o.chroot_dir = dir;
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), 0);
	assert_true(plan.privileged);
	assert_true(plan.uid != 0);

	/* writable by others: refused */
	assert_int_equal(chmod(dir, 0757), 0);
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -EACCES);
	assert_int_equal(chmod(dir, 0775), 0);
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -EACCES);
	assert_int_equal(chmod(dir, 0755), 0);

	/* not owned by root: refused */
	assert_int_equal(chown(dir, 65534, 0), 0);
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -EACCES);
	assert_int_equal(chown(dir, 0, 0), 0);

	/* not empty: refused */
	snprintf(file, sizeof(file), "%s/x", dir);
	int fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -EACCES);
	assert_int_equal(unlink(file), 0);

	/* missing: created 0755, root-owned, whatever the umask */
	snprintf(sub, sizeof(sub), "%s/empty", dir);
	o.chroot_dir = sub;
	mode_t old_umask = umask(077);
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), 0);
	umask(old_umask);
	struct stat st;
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_uid, 0);
	assert_string_equal(plan.chroot_dir, sub);

	/* a parent writable by others: refused */
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -EACCES);
	assert_int_equal(chmod(dir, 0755), 0);

	/* relative path, unknown user: refused */
	o.chroot_dir = "relative/dir";
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -EINVAL);
	o.chroot_dir = sub;
	o.user = "msshd-no-such-user-xyz";
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -ENOENT);
	o.user = "root";
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), -EACCES);

	/* under a sticky world-writable parent (/tmp): accepted, others cannot swap it */
	char tdir[] = "/tmp/msshd-sticky.XXXXXX";
	assert_non_null(mkdtemp(tdir));
	assert_int_equal(chmod(tdir, 0755), 0);
	o.user = OS_TEST_USER;
	o.chroot_dir = tdir;
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), 0);
	/* reached through a symlink: the resolved directory is what gets checked and used */
	char link[64];
	snprintf(link, sizeof(link), "%s.lnk", tdir);
	assert_int_equal(symlink(tdir, link), 0);
	o.chroot_dir = link;
	assert_int_equal(sandbox_prepare(&o, &plan, NULL), 0);
	assert_string_equal(plan.chroot_dir, tdir);
	unlink(link);
	rmdir(tdir);

	rmdir(sub);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_allowed_work_with_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crypto_confined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_open_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_socket_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_execve_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clone_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_so_debug_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tcp_cork_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_so_keepalive_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mprotect_exec_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_exec_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pipe_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dup_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fcntl_dupfd_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sendto_address_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unconfined_control, setup, teardown),
#if defined(__x86_64__)
		cmocka_unit_test_setup_teardown(test_i386_abi_kills, setup, teardown),
		cmocka_unit_test_setup_teardown(test_x32_abi_kills, setup, teardown),
#endif
		cmocka_unit_test_setup_teardown(test_observed_from_outside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unprivileged_still_confined, setup, teardown),
		cmocka_unit_test(test_prepare_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
