/* The net child's seccomp-bpf allow-list.  Everything not listed kills the whole process
 * (SCMP_ACT_KILL_PROCESS), as does a system call made under any other architecture or ABI
 * (e.g. i386 int 0x80 or x32 from an x86_64 process).
 *
 * The list is what an event loop over sockets and pipes doing crypto needs, no more: I/O
 * on descriptors it already holds (fds from the monitor arrive by recvmsg; send/recv on
 * connected sockets; descriptor flags but no duplication), polling,
 * memory for malloc but never executable memory, time, randomness, and the two TCP
 * options the transport re-arms.  Nothing opens, creates, or executes anything. */
#include "sshd/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/mman.h>

static const int allowed_syscalls[] = {
	/* I/O on held descriptors */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(shutdown), SCMP_SYS(close),
	/* waiting */
	SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl),
	SCMP_SYS(epoll_wait), SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_pwait2),
	/* malloc (mmap/mprotect are below, with their argument filter); libsodium's
	 * sodium_malloc, which holds key exchange secrets, locks its pages out of swap */
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(mlock), SCMP_SYS(munlock),
	/* time, randomness, identity, signals, threads' waits */
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(getrandom),
	SCMP_SYS(getpid), SCMP_SYS(futex), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask),
	/* a poll interrupted by a stop signal is resumed through restart_syscall */
	SCMP_SYS(restart_syscall),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* The AddressSanitizer runtime (SAN=1 test builds only) sets up an alternate signal stack
 * for its own reports; the production build never needs it. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZER_RUNTIME 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZER_RUNTIME 1
#endif
#endif
#ifdef SANITIZER_RUNTIME
static const int sanitizer_syscalls[] = { SCMP_SYS(sigaltstack) };
#endif

/* fcntl(fd, cmd, ...) for these commands only: flags of a descriptor already held (e.g.
 * O_NONBLOCK on one received from the monitor), never F_DUPFD, which would create one. */
static const int allowed_fcntl_cmds[] = { F_GETFL, F_SETFL, F_GETFD, F_SETFD };

/* setsockopt(fd, IPPROTO_TCP, opt, ...) for these options only. */
static const int allowed_tcp_options[] = { TCP_NODELAY, TCP_QUICKACK };

/* An int argument is compared on its low 32 bits only: the ABI leaves the upper half of
 * the register unspecified. */
#define LOW32 0xffffffffULL

int sandbox_seccomp_load(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int r;

	if (ctx == NULL)
		return -ENOMEM;
	r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (size_t i = 0; r == 0 && i < sizeof(allowed_syscalls) / sizeof(allowed_syscalls[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);

#ifdef SANITIZER_RUNTIME
	for (size_t i = 0; r == 0 && i < sizeof(sanitizer_syscalls) / sizeof(sanitizer_syscalls[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sanitizer_syscalls[i], 0);
#endif

	/* memory, never executable: argument 2 of mmap and mprotect is prot */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				     SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));

	/* fstat(2) of a held descriptor (the channels tell a session's socket from its
	 * pipes); glibc makes it newfstatat(fd, "", st, AT_EMPTY_PATH): only that form */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fstat), 0);
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1,
				     SCMP_A3(SCMP_CMP_MASKED_EQ, LOW32, AT_EMPTY_PATH));

	/* send(2)/recv(2) are sendto/recvfrom: allowed on connected sockets only (no
	 * destination address), so nothing can be sent anywhere new */
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sendto), 1,
				     SCMP_A4(SCMP_CMP_MASKED_EQ, ~(scmp_datum_t)0, 0));
	if (r == 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(recvfrom), 0);
	for (size_t i = 0; r == 0 && i < sizeof(allowed_fcntl_cmds) / sizeof(allowed_fcntl_cmds[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, LOW32,
					     (scmp_datum_t)allowed_fcntl_cmds[i]));

	for (size_t i = 0; r == 0 && i < sizeof(allowed_tcp_options) / sizeof(allowed_tcp_options[0]); i++)
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setsockopt), 2,
				     SCMP_A1(SCMP_CMP_MASKED_EQ, LOW32, IPPROTO_TCP),
				     SCMP_A2(SCMP_CMP_MASKED_EQ, LOW32,
					     (scmp_datum_t)allowed_tcp_options[i]));
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	return r < 0 ? r : 0;	/* libseccomp returns negative errno values */
}
