/* Confinement of the net child (DESIGN §1): chroot to an empty root-owned directory, drop
 * to the unprivileged user, check the drop cannot be undone, no_new_privs, rlimits that
 * allow no new files and no processes, and last a seccomp-bpf allow-list whose default
 * action kills the process.  Without root the chroot and the uid change are skipped and
 * the rest still applies.
 *
 * Two halves: sandbox_prepare runs in the monitor before the fork (it may create the
 * directory, and it looks the user up while NSS still works); sandbox_enter runs in the
 * child and only makes system calls. */
#ifndef MSSHD_SANDBOX_H
#define MSSHD_SANDBOX_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "sshd/log.h"

#define SANDBOX_DEFAULT_DIR "/run/sshd"
#define SANDBOX_DEFAULT_USER "sshd"

struct sandbox_opts {
	const char *chroot_dir;	/* NULL: SANDBOX_DEFAULT_DIR */
	const char *user;	/* NULL: SANDBOX_DEFAULT_USER */
	/* RLIMIT_NOFILE of the child.  0: the highest fd open at sandbox_enter + 1, so that no
	 * descriptor can be added (beyond holes below it).  A net child that receives session
	 * fds from the monitor needs room for them: pass that bound here. */
	unsigned nofile;
};

struct sandbox_plan {
	bool privileged;		/* root: chroot and uid change are done */
	char chroot_dir[PATH_MAX];	/* resolved, checked */
	uid_t uid;
	gid_t gid;
	unsigned nofile;
};

/* Resolves and checks what sandbox_enter will need.  As root: the user must exist and not
 * be uid 0; the directory is created 0755 when missing (its parent must exist), and must
 * then be a directory owned by root, not writable by group or others, empty, with every
 * ancestor root-owned and not writable by others (unless sticky, like /tmp).
 * Returns 0, -ENOENT (no such user), -EACCES (unsafe directory or root user), or another
 * negative errno; the reason is logged to `lg` (may be NULL). */
int sandbox_prepare(const struct sandbox_opts *opts, struct sandbox_plan *plan,
		    const struct log_ctx *lg);

/* Confines the calling process as planned.  First initialises libsodium and libcrypto
 * (random sources, no config file), which would otherwise open files on first use and be
 * killed.  SIGXFSZ is ignored, so that a write past RLIMIT_FSIZE 0 fails with EFBIG
 * instead of killing the process.  Every step is checked; on failure the process is left part-confined and must
 * exit.  Returns 0 or a negative errno (logged). */
int sandbox_enter(const struct sandbox_plan *plan, const struct log_ctx *lg);

/* The seccomp step alone (sandbox_seccomp.c): loads the allow-list filter.  Requires
 * no_new_privs or CAP_SYS_ADMIN.  Returns 0 or a negative errno. */
int sandbox_seccomp_load(void);

#endif
