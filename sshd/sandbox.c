/* Confinement of the net child: directory and user checks in the monitor, then chroot,
 * uid drop, no_new_privs, rlimits and seccomp in the child.  See sandbox.h. */
#include "sshd/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(const struct log_ctx *lg, int err, const char *what, const char *detail)
{
	log_msg(lg, LOG_LEVEL_ERROR, "sandbox: %s%s%s: %s", what, detail ? " " : "",
		detail ? detail : "", strerror(-err));
	return err;
}

/* Every component of an absolute, resolved path must be root-owned and writable by no
 * one else, so that nobody but root can swap the directory we chroot into.  A sticky
 * directory (like /tmp) is accepted: others cannot rename what root owns in it. */
static int check_dir_safe(const char *path, const struct log_ctx *lg)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return fail(lg, -errno, "cannot stat", path);
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)))
		return fail(lg, -EACCES, "unsafe ownership or mode on", path);
	return 0;
}

static int check_ancestors(const char *path, const struct log_ctx *lg)
{
	char cur[PATH_MAX];
	size_t len = strlen(path);
	int r;

	if (len == 0 || len >= sizeof(cur) || path[0] != '/')
		return fail(lg, -EINVAL, "bad directory", path);
	if ((r = check_dir_safe("/", lg)) < 0)
		return r;
	/* "/a", "/a/b", ..., the path itself (resolved: no "..", no symlinks) */
	for (size_t i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		memcpy(cur, path, i);
		cur[i] = '\0';
		if (i > 1 && (r = check_dir_safe(cur, lg)) < 0)
			return r;
	}
	return 0;
}

static int check_empty(const char *path, const struct log_ctx *lg)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int r = 0;

	if (d == NULL)
		return fail(lg, -errno, "cannot open", path);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			r = fail(lg, -EACCES, "directory is not empty:", path);
			break;
		}
	}
	closedir(d);
	return r;
}

static int prepare_dir(const char *dir, struct sandbox_plan *plan, const struct log_ctx *lg)
{
	struct stat st;

	if (dir[0] != '/')
		return fail(lg, -EINVAL, "directory must be an absolute path:", dir);
	if (lstat(dir, &st) < 0) {
		if (errno != ENOENT)
			return fail(lg, -errno, "cannot stat", dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return fail(lg, -errno, "cannot create", dir);
		/* 0755 whatever the umask, owned by root (we are root here) */
		if (chmod(dir, 0755) < 0)
			return fail(lg, -errno, "cannot chmod", dir);
		log_msg(lg, LOG_LEVEL_DEBUG1, "sandbox: created %s", dir);
	}
	if (realpath(dir, plan->chroot_dir) == NULL)
		return fail(lg, -errno, "cannot resolve", dir);
	int r = check_ancestors(plan->chroot_dir, lg);
	if (r == 0)
		r = check_empty(plan->chroot_dir, lg);
	return r;
}

int sandbox_prepare(const struct sandbox_opts *opts, struct sandbox_plan *plan,
		    const struct log_ctx *lg)
{
	if (opts == NULL || plan == NULL)
		return -EINVAL;
	memset(plan, 0, sizeof(*plan));
	plan->nofile = opts->nofile;
	plan->privileged = geteuid() == 0;
	if (!plan->privileged) {
		log_msg(lg, LOG_LEVEL_DEBUG1, "sandbox: not root: no chroot or uid change");
		return 0;
	}

	const char *user = opts->user ? opts->user : SANDBOX_DEFAULT_USER;
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL)
		return fail(lg, errno ? -errno : -ENOENT, "privilege separation user", user);
	if (pw->pw_uid == 0 || pw->pw_gid == 0)
		return fail(lg, -EACCES, "privilege separation user is root:", user);
	plan->uid = pw->pw_uid;
	plan->gid = pw->pw_gid;

	return prepare_dir(opts->chroot_dir ? opts->chroot_dir : SANDBOX_DEFAULT_DIR, plan, lg);
}

/* Highest open descriptor, read from /proc before the chroot hides it. */
static int highest_fd(void)
{
	int hi = -1;
	DIR *d = opendir("/proc/self/fd");

	if (d != NULL) {
		int self = dirfd(d);
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char *end;
			long v = strtol(e->d_name, &end, 10);
			if (*end == '\0' && end != e->d_name && v != self && v > hi)
				hi = (int)v;
		}
		closedir(d);
		return hi;
	}
	/* no /proc: probe, bounded */
	struct rlimit rl;
	long lim = 65536;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur < lim)
		lim = (long)rl.rlim_cur;
	for (int fd = 0; fd < lim; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			hi = fd;
	return hi;
}

static int drop_user(const struct sandbox_plan *plan, const struct log_ctx *lg)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (setgroups(0, NULL) < 0)
		return fail(lg, -errno, "setgroups", NULL);
	if (setresgid(plan->gid, plan->gid, plan->gid) < 0)
		return fail(lg, -errno, "setresgid", NULL);
	if (setresuid(plan->uid, plan->uid, plan->uid) < 0)
		return fail(lg, -errno, "setresuid", NULL);

	/* The drop must be complete and permanent: every id is the target, no group is
	 * left, and getting root back fails. */
	if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
		return fail(lg, -errno, "getresuid", NULL);
	if (ru != plan->uid || eu != plan->uid || su != plan->uid || rg != plan->gid ||
	    eg != plan->gid || sg != plan->gid || getgroups(0, NULL) != 0)
		return fail(lg, -EPERM, "ids not dropped", NULL);
	if (setuid(0) == 0 || seteuid(0) == 0 || setgid(0) == 0 || setegid(0) == 0)
		return fail(lg, -EPERM, "root privileges could be regained", NULL);
	return 0;
}

static int set_limit(int resource, rlim_t value, const char *name, const struct log_ctx *lg)
{
	struct rlimit rl = { .rlim_cur = value, .rlim_max = value };

	if (setrlimit(resource, &rl) < 0)
		return fail(lg, -errno, "setrlimit", name);
	return 0;
}

/* libsodium and libcrypto open files on first use (/dev/urandom, openssl.cnf); inside
 * the sandbox that would be a SIGSYS, so they are set up while it is still allowed. */
static int prime_crypto(const struct log_ctx *lg)
{
	unsigned char b;

	if (sodium_init() < 0)
		return fail(lg, -ENOSYS, "sodium_init", NULL);
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL) != 1)
		return fail(lg, -ENOSYS, "OPENSSL_init_crypto", NULL);
	randombytes_buf(&b, 1);
	if (RAND_bytes(&b, 1) != 1)
		return fail(lg, -EIO, "RAND_bytes", NULL);
	sodium_memzero(&b, 1);
	return 0;
}

int sandbox_enter(const struct sandbox_plan *plan, const struct log_ctx *lg)
{
	int r;

	if (plan == NULL)
		return -EINVAL;
	if ((r = prime_crypto(lg)) < 0)
		return r;

	unsigned nofile = plan->nofile;
	if (nofile == 0) {
		int hi = highest_fd();
		nofile = hi < 0 ? 1 : (unsigned)hi + 1;
	}

	if (plan->privileged) {
		/* a change of uid clears the parent-death signal: put it back afterwards */
		int pdeath = 0;
		if (prctl(PR_GET_PDEATHSIG, &pdeath, 0, 0, 0) < 0)
			return fail(lg, -errno, "PR_GET_PDEATHSIG", NULL);
		if (chroot(plan->chroot_dir) < 0)
			return fail(lg, -errno, "chroot", plan->chroot_dir);
		if (chdir("/") < 0)
			return fail(lg, -errno, "chdir", "/");
		if ((r = drop_user(plan, lg)) < 0)
			return r;
		if (pdeath != 0 && prctl(PR_SET_PDEATHSIG, pdeath, 0, 0, 0) < 0)
			return fail(lg, -errno, "PR_SET_PDEATHSIG", NULL);
	}

	/* Not traceable or dumpable by other processes of the sandbox user (a core would
	 * hold session keys). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return fail(lg, -errno, "PR_SET_DUMPABLE", NULL);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(lg, -errno, "PR_SET_NO_NEW_PRIVS", NULL);

	/* RLIMIT_FSIZE 0 would kill us with SIGXFSZ at the first write to a regular file
	 * (sshd -i with stdout redirected to one): ignored, such a write fails with EFBIG
	 * instead, which the event loop logs before the connection ends. */
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGXFSZ, &sa, NULL) < 0)
		return fail(lg, -errno, "sigaction", "SIGXFSZ");
	if ((r = set_limit(RLIMIT_FSIZE, 0, "RLIMIT_FSIZE", lg)) < 0 ||
	    (r = set_limit(RLIMIT_NOFILE, nofile, "RLIMIT_NOFILE", lg)) < 0 ||
	    (r = set_limit(RLIMIT_NPROC, 0, "RLIMIT_NPROC", lg)) < 0 ||
	    (r = set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE", lg)) < 0)
		return r;

	if ((r = sandbox_seccomp_load()) < 0)
		return fail(lg, r, "seccomp", NULL);
	return 0;
}
